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
    public static string Read(IReadOnlyDictionary<string, string> environment, string workdir, string project, bool inActions)
    {
        string text = inActions
            ? File.ReadAllText(project)
            : ProjectProfileTrust.ReadTrusted(PolicyContextFactory.Create(environment, workdir).StateDirectory, project);
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
