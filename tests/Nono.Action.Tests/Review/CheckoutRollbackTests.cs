using System.Security.Cryptography;
using System.Text;
using Nono.Action.Review;
using Nono.Core.Audit.Events;
using Nono.Testing;

namespace Nono.Action.Tests.Review;

/// <summary>The rollback's checks on a checkout that differs from what the signed record says, and the write-back itself.</summary>
public sealed class CheckoutRollbackTests
{
    [Fact]
    public void Check_SymlinkOnThePath_IsRefusedAndTheTargetUntouched()
    {
        using TempDirectory temp = new();
        (string checkout, ChangeContents contents) = Setup(temp, "before\n");
        Directory.CreateDirectory(temp.Combine("outside"));
        File.WriteAllText(temp.Combine("outside", "app.py"), "after\n");
        File.CreateSymbolicLink(Path.Combine(checkout, "src"), temp.Combine("outside"));

        IReadOnlyList<string> problems = CheckoutRollback.Check(checkout, [Modified("src/app.py", "before\n", "after\n")], contents);

        Assert.Equal("src/app.py: 'src' is a symbolic link in the checkout", Assert.Single(problems));
        Assert.Equal("after\n", File.ReadAllText(temp.Combine("outside", "app.py")));
    }

    [Theory]
    [InlineData("../escape.py")]
    [InlineData("/etc/passwd")]
    [InlineData("a/./b")]
    public void Check_PathFromTheRecordThatIsNotPlain_IsRefused(string path)
    {
        using TempDirectory temp = new();
        (string checkout, ChangeContents contents) = Setup(temp, "before\n");

        IReadOnlyList<string> problems = CheckoutRollback.Check(checkout, [Modified(path, "before\n", "after\n")], contents);

        Assert.Equal($"{path}: not a plain relative path", Assert.Single(problems));
    }

    [Fact]
    public void CheckThenApply_MatchingCheckout_RestoresContentAndMode()
    {
        using TempDirectory temp = new();
        (string checkout, ChangeContents contents) = Setup(temp, "before\n");
        Directory.CreateDirectory(Path.Combine(checkout, "src"));
        File.WriteAllText(Path.Combine(checkout, "src", "app.py"), "after\n");
        File.SetUnixFileMode(Path.Combine(checkout, "src", "app.py"), (UnixFileMode)0b111_101_101);

        IReadOnlyList<string> problems = CheckoutRollback.Check(checkout, [Modified("src/app.py", "before\n", "after\n")], contents);
        CheckoutRollback.Result result = CheckoutRollback.Apply(checkout, [Modified("src/app.py", "before\n", "after\n")], contents);

        Assert.Empty(problems);
        Assert.Equal(1, result.Restored);
        Assert.Equal("before\n", File.ReadAllText(Path.Combine(checkout, "src", "app.py")));
        Assert.Equal((UnixFileMode)0b110_100_100, File.GetUnixFileMode(Path.Combine(checkout, "src", "app.py")));
        Assert.Equal(["app.py"], Directory.GetFiles(Path.Combine(checkout, "src")).Select(Path.GetFileName));
    }

    private static (string Checkout, ChangeContents Contents) Setup(TempDirectory temp, string before)
    {
        string artifact = temp.Combine("artifact");
        Directory.CreateDirectory(Path.Combine(artifact, "objects"));
        File.WriteAllText(Path.Combine(artifact, "objects", Digest(before)), before);
        string checkout = temp.Combine("checkout");
        Directory.CreateDirectory(checkout);
        return (checkout, new ChangeContents(artifact));
    }

    private static FileChangedEvent Modified(string path, string before, string after) => new()
    {
        Path = path,
        Change = FileChangeKind.Modified,
        Root = "/runner/work/repo",
        BeforeType = "file",
        AfterType = "file",
        BeforeDigest = Digest(before),
        AfterDigest = Digest(after),
        BeforeSize = before.Length,
        AfterSize = after.Length,
        BeforeMode = 0x1A4,
        AfterMode = 0x1ED,
    };

    private static string Digest(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
