using Nono.Core.Policy;

namespace Nono.Core.Tests.Policy;

/// <summary>A catalog over JSON strings held in memory; paths (containing '/') are read from disk.</summary>
internal sealed class InMemoryCatalog : IPolicyCatalog
{
    private readonly Dictionary<string, string> _profiles = new(StringComparer.Ordinal);
    private readonly Dictionary<string, PolicyGroup> _groups = new(StringComparer.Ordinal);

    public IReadOnlyList<string> MandatoryGroups { get; init; } = ["deny_credentials"];

    public InMemoryCatalog()
    {
        _groups["deny_credentials"] = new PolicyGroup { Filesystem = new FilesystemSection { Deny = ["~/.ssh", "~/.aws", "~/.netrc"] } };
    }

    public InMemoryCatalog WithProfile(string name, string json)
    {
        _profiles[name] = json;
        return this;
    }

    public InMemoryCatalog WithGroup(string name, PolicyGroup group)
    {
        _groups[name] = group;
        return this;
    }

    public PolicyGroup? FindGroup(string name) => _groups.GetValueOrDefault(name);

    public ProfileSource? FindProfile(string nameOrPath, string? baseDirectory)
    {
        if (nameOrPath.Contains('/', StringComparison.Ordinal))
        {
            string path = Path.GetFullPath(nameOrPath, baseDirectory ?? "/");
            return File.Exists(path) ? new ProfileSource(Path.GetFileNameWithoutExtension(path), path, File.ReadAllText(path)) : null;
        }

        return _profiles.TryGetValue(nameOrPath, out string? json) ? new ProfileSource(nameOrPath, "mem:" + nameOrPath, json) : null;
    }
}
