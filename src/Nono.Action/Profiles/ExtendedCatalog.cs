using System.Text.Json;
using Nono.Core.Policy;

namespace Nono.Action.Profiles;

/// <summary>
/// Serves one extra, synthetic profile for <c>--extends</c>: it extends the selected profile and then every
/// <c>--extends</c> base in order, so the command line composes profiles exactly as a profile file's own
/// <c>extends</c> list would (same merge rules, same cycle and depth checks).
/// </summary>
internal sealed class ExtendedCatalog(IPolicyCatalog inner, string profile, IReadOnlyList<string> extends, string workdir) : IPolicyCatalog
{
    public const string SyntheticName = "cli:extends";

    public IReadOnlyList<string> MandatoryGroups => inner.MandatoryGroups;

    public PolicyGroup? FindGroup(string name) => inner.FindGroup(name);

    public ProfileSource? FindProfile(string nameOrPath, string? baseDirectory)
    {
        if (nameOrPath != SyntheticName)
        {
            // Paths given on the command line are relative to the working directory, not to the synthetic profile.
            return inner.FindProfile(nameOrPath, baseDirectory ?? workdir);
        }

        using MemoryStream buffer = new();
        using (Utf8JsonWriter w = new(buffer))
        {
            w.WriteStartObject();
            w.WriteStartObject("meta");
            w.WriteString("name", string.Join('+', [profile, .. extends]));
            w.WriteEndObject();
            w.WriteStartArray("extends");
            foreach (string name in (string[])[profile, .. extends])
            {
                w.WriteStringValue(name);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        return new ProfileSource(SyntheticName, "command line (--extends)", System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
    }
}
