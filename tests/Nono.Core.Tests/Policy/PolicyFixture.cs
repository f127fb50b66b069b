using Nono.Core.Policy;
using Nono.Testing;

namespace Nono.Core.Tests.Policy;

/// <summary>A real temporary home and working directory, and a <see cref="PolicyContext"/> over them.</summary>
internal sealed class PolicyFixture : IDisposable
{
    private readonly TempDirectory _root = new("nono-policy-");

    public PolicyFixture(Dictionary<string, string>? environment = null)
    {
        Home = Directory.CreateDirectory(_root.Combine("home")).FullName;
        Workdir = Directory.CreateDirectory(_root.Combine("work")).FullName;
        Environment = environment ?? [];
        Environment["HOME"] = Home;
    }

    public string Root => _root.Path;

    public string Home { get; }

    public string Workdir { get; }

    public Dictionary<string, string> Environment { get; }

    public PolicyContext Context => new(Home, Workdir, 1000, Environment);

    public string MakeDirectory(params string[] parts) => Directory.CreateDirectory(_root.Combine(parts)).FullName;

    public string MakeFile(params string[] parts)
    {
        string path = _root.Combine(parts);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!); // a combined path always has a parent
        File.WriteAllText(path, "x");
        return path;
    }

    public void Dispose() => _root.Dispose();
}
