namespace Nono.Core.Policy;

/// <summary>Where profile resolution finds profiles and groups. Nono.Action backs it with built-ins and user files.</summary>
public interface IPolicyCatalog
{
    /// <summary>Groups every resolution includes; no profile can drop them (e.g. <c>deny_credentials</c>).</summary>
    public IReadOnlyList<string> MandatoryGroups { get; }

    /// <summary>Finds a group by name, or null.</summary>
    public PolicyGroup? FindGroup(string name);

    /// <summary>
    /// Finds a profile by name or path, or null. <paramref name="baseDirectory"/> is the directory of the
    /// profile that refers to it (for relative paths in <c>extends</c>), or null for the top-level request.
    /// </summary>
    public ProfileSource? FindProfile(string nameOrPath, string? baseDirectory);
}
