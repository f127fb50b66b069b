using Nono.Core.Diagnostics;
using Nono.Core.Policy;

namespace Nono.Action.Profiles;

/// <summary>
/// What a project profile (<c>.nono/profile.json</c>, in a directory the sandboxed command can write) must pass before
/// it is used: its trust pin (outside GitHub Actions, where <c>NONO_TRUST_PROJECT_PROFILE=true</c> is the opt-in), and,
/// even when trusted, no custom credential with a credential key (<c>file://PATH</c>, <c>env://VAR</c>): those keys name secrets on the user's machine and belong in a user profile or on the
/// command line, not in a file that travels with the repository.
/// </summary>
internal static class ProjectProfileGate
{
    /// <summary>The project profile's text, checked; throws a one-line error naming the file and the remedy.</summary>
    /// <param name="project">The project profile's path.</param>
    /// <param name="inActions">In GitHub Actions, where the opt-in was checked by the caller and there are no trust pins.</param>
    /// <param name="stateDirectory">Nono's state directory, with the trust pins (looked up only outside Actions).</param>
    public static string Read(string project, bool inActions, Func<string> stateDirectory)
    {
        string text = inActions
            ? File.ReadAllText(project)
            : ProjectProfileTrust.ReadTrusted(stateDirectory(), project);
        ParsedProfile parsed = ProfileParser.ParseProfile(text, project);
        foreach (CustomCredential credential in parsed.Profile.Network.CustomCredentials.Values)
        {
            // Every credential key (env://VAR, file://PATH) reads a secret of this machine.
            if (credential.CredentialKey is not null)
            {
                throw new NonoException(
                    NonoErrorCode.InvalidPolicy,
                    $"project profile {project}: network.custom_credentials with a credential_key read secrets of this machine, which only a user profile may do; move them to $XDG_CONFIG_HOME/nono/profiles",
                    path: project);
            }
        }

        return text;
    }
}
