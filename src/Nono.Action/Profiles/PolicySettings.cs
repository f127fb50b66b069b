using Nono.Core.Policy;

namespace Nono.Action.Profiles;

/// <summary>The profile to resolve and the overrides on top of it, after layering.</summary>
/// <param name="Profile">Profile name or path.</param>
/// <param name="ProfileLayer">The layer that chose the profile: builtin, project, environment or command line.</param>
/// <param name="Overrides">Extra grants and switches from the environment and the command line.</param>
internal sealed record PolicySettings(string Profile, string ProfileLayer, PolicyOverrides Overrides)
{
    /// <summary>Things the user should know about the layering, such as an ignored project profile.</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];

    /// <summary>The project profile's text as checked against its trust pin, when the project layer chose the profile.</summary>
    public string? ProjectProfileText { get; init; }
}
