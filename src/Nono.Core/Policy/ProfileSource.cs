namespace Nono.Core.Policy;

/// <summary>The text of one profile and where it came from.</summary>
/// <param name="Name">Profile name (file name without <c>.json</c> for files).</param>
/// <param name="Origin">Unique origin: an absolute file path or <c>builtin:NAME</c>.</param>
/// <param name="Json">The profile's JSON text.</param>
public sealed record ProfileSource(string Name, string Origin, string Json)
{
    /// <summary>
    /// True for a profile embedded in the executable: its structure is checked by the tests, not at every run
    /// (<see cref="ProfileParser.ParseEmbeddedProfile"/>).
    /// </summary>
    public bool Embedded { get; init; }

    /// <summary>The directory relative <c>extends</c> paths resolve against, or null for built-ins.</summary>
    public string? Directory => Origin.StartsWith('/') ? Path.GetDirectoryName(Origin) : null;
}
