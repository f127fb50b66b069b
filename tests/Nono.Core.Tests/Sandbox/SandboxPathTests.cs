using Nono.Core.Sandbox;

namespace Nono.Core.Tests.Sandbox;

public sealed class SandboxPathTests
{
    /// <summary>Every string of up to five characters over '/', 'a' and 'b': empty components, trailing and leading slashes, prefixes.</summary>
    private static List<string> AllShortPaths()
    {
        List<string> paths = [""];
        List<string> previous = [""];
        for (int length = 1; length <= 5; length++)
        {
            List<string> current = [.. previous.SelectMany(p => new[] { p + "/", p + "a", p + "b" })];
            paths.AddRange(current);
            previous = current;
        }

        return paths;
    }

    [Fact]
    public void IsSameOrAncestor_AndNormalizedForm_AgreeWithComponentPrefix_OnEveryShortPath()
    {
        List<string> paths = AllShortPaths();
        string[][] components = [.. paths.Select(p => p.Split('/', StringSplitOptions.RemoveEmptyEntries))];
        int mismatches = 0;
        string? firstMismatch = null;
        for (int i = 0; i < paths.Count; i++)
        {
            for (int j = 0; j < paths.Count; j++)
            {
                bool expected = components[i].Length <= components[j].Length && components[i].SequenceEqual(components[j].Take(components[i].Length));
                bool normalized = SandboxPath.IsSameOrAncestorNormalized(SandboxPath.Normalize(paths[i]), SandboxPath.Normalize(paths[j]));
                if (SandboxPath.IsSameOrAncestor(paths[i], paths[j]) != expected || normalized != expected)
                {
                    mismatches++;
                    firstMismatch ??= $"'{paths[i]}' above '{paths[j]}' should be {expected}";
                }
            }
        }

        Assert.True(mismatches == 0, $"{mismatches} mismatches, first: {firstMismatch}");
    }

    [Theory]
    [InlineData("/home", "/homeevil", false)]
    [InlineData("/home", "/home/x", true)]
    [InlineData("/home/", "/home", true)]
    [InlineData("/", "/anything", true)]
    [InlineData("/a/b", "/a", false)]
    [InlineData("//a", "/a/b", true)]
    public void IsSameOrAncestor_Examples(string ancestor, string path, bool expected)
    {
        Assert.Equal(expected, SandboxPath.IsSameOrAncestor(ancestor, path));
    }
}
