using System.Security.Cryptography;
using Nono.Action.GitHub;
using Nono.Testing;

namespace Nono.Action.Tests.GitHub;

public sealed class CheckoutCredentialGuardTests
{
    [Fact]
    public async Task Hide_PersistedCheckoutTokens_AreGoneDuringTheStepAndRestoredAfter()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        using TempDirectory dir = new();
        (string repo, string header, string include) = await MakeCheckoutAsync(dir, ct);
        string original = await File.ReadAllTextAsync(Path.Combine(repo, ".git", "config"), ct);

        CheckoutCredentialGuard guard = await CheckoutCredentialGuard.HideAsync(repo, dir.Combine("state"), ct);
        string during = await File.ReadAllTextAsync(Path.Combine(repo, ".git", "config"), ct);
        await guard.RestoreAsync(ct);

        Assert.Equal(2, guard.Hidden.Count);
        Assert.DoesNotContain(header, during);
        Assert.DoesNotContain(include, during);
        Assert.Contains("[core]", during);
        Assert.Equal(await EntriesAsync(original, dir, ct), await EntriesAsync(await File.ReadAllTextAsync(Path.Combine(repo, ".git", "config"), ct), dir, ct));
        Assert.False(File.Exists(dir.Combine("state", "checkout-credentials.backup")));
    }

    [Fact]
    public async Task RestorePending_AfterACrashBetweenHideAndRestore_PutsTheTokenBackOnce()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        using TempDirectory dir = new();
        (string repo, string header, _) = await MakeCheckoutAsync(dir, ct);
        _ = await CheckoutCredentialGuard.HideAsync(repo, dir.Combine("state"), ct); // and then the process "dies"

        await CheckoutCredentialGuard.RestorePendingAsync(repo, dir.Combine("state"), ct);
        await CheckoutCredentialGuard.RestorePendingAsync(repo, dir.Combine("state"), ct);

        string config = await File.ReadAllTextAsync(Path.Combine(repo, ".git", "config"), ct);
        Assert.Equal(1, config.Split(header).Length - 1);
    }

    [Fact]
    public async Task Hide_NoPersistedCredentials_ChangesNothing()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        using TempDirectory dir = new();
        string repo = dir.Combine("repo");
        Directory.CreateDirectory(repo);
        await GitCli.RunAsync(repo, ["init", "-q"], ct);
        string before = await File.ReadAllTextAsync(Path.Combine(repo, ".git", "config"), ct);

        CheckoutCredentialGuard guard = await CheckoutCredentialGuard.HideAsync(repo, dir.Combine("state"), ct);

        Assert.Empty(guard.Hidden);
        Assert.Equal(before, await File.ReadAllTextAsync(Path.Combine(repo, ".git", "config"), ct));
    }

    /// <summary>
    /// The command replaced .git/config by a link to a file of its choosing: restoring through git would write the token
    /// there (git follows a linked config when it writes). Nothing is written; the backup stays; the old behaviour is the
    /// contrast (git config --local really writes through the link).
    /// </summary>
    [Theory]
    [InlineData(".git/config")]
    [InlineData(".git")]
    public async Task Restore_ConfigOrGitDirReplacedByALink_WritesNoTokenThroughIt(string replaced)
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        using TempDirectory dir = new();
        (string repo, string header, _) = await MakeCheckoutAsync(dir, ct);
        CheckoutCredentialGuard guard = await CheckoutCredentialGuard.HideAsync(repo, dir.Combine("state"), ct);
        string bait = dir.Combine("bait");
        Directory.CreateDirectory(bait);
        string target = replaced == ".git" ? bait : Path.Combine(bait, "config");
        if (replaced == ".git")
        {
            Directory.Move(Path.Combine(repo, ".git"), Path.Combine(bait, "moved"));
            Directory.CreateSymbolicLink(Path.Combine(repo, ".git"), Path.Combine(bait, "moved"));
            target = Path.Combine(bait, "moved", "config");
        }
        else
        {
            File.Move(Path.Combine(repo, ".git", "config"), target);
            File.CreateSymbolicLink(Path.Combine(repo, ".git", "config"), target);
        }

        Exception refused = await Assert.ThrowsAnyAsync<Exception>(() => guard.RestoreAsync(ct));

        Assert.Contains("not writing the checkout token there", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(header, await File.ReadAllTextAsync(target, ct));
        Assert.True(File.Exists(dir.Combine("state", "checkout-credentials.backup")), "the backup stays for a later run");
        (int exit, _) = await GitCli.RunAsync(repo, ["config", "--local", "--add", "http.https://x/.extraheader", "contrast"], ct);
        Assert.Equal(0, exit);
        Assert.Contains("contrast", await File.ReadAllTextAsync(target, ct)); // git itself writes through the link
    }

    [Theory]
    [InlineData("lib")]
    [InlineData("third_party/lib")] // a module's name is its path by default
    public async Task Hide_SubmoduleConfigWithAPersistedToken_IsHiddenAndRestored(string moduleName)
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        using TempDirectory dir = new();
        (string repo, string header, _) = await MakeCheckoutAsync(dir, ct);
        string module = Path.Combine(repo, ".git", "modules", moduleName);
        Directory.CreateDirectory(module);
        await GitCli.RunAsync(module, ["init", "-q", "--bare", module], ct);
        string moduleConfig = Path.Combine(module, "config");
        string moduleHeader = "AUTHORIZATION: basic " + Convert.ToBase64String(RandomNumberGenerator.GetBytes(30));
        await GitCli.RunAsync(module, ["config", "--file", moduleConfig, "http.https://github.com/.extraheader", moduleHeader], ct);

        CheckoutCredentialGuard guard = await CheckoutCredentialGuard.HideAsync(repo, dir.Combine("state"), ct);
        string during = await File.ReadAllTextAsync(moduleConfig, ct);
        await guard.RestoreAsync(ct);

        Assert.DoesNotContain(moduleHeader, during);
        Assert.Contains(moduleHeader, await File.ReadAllTextAsync(moduleConfig, ct));
        Assert.Contains(header, await File.ReadAllTextAsync(Path.Combine(repo, ".git", "config"), ct));
        Assert.Equal(3, guard.Hidden.Count);
    }

    private static async Task<(string Repo, string Header, string Include)> MakeCheckoutAsync(TempDirectory dir, CancellationToken ct)
    {
        string repo = dir.Combine("repo");
        Directory.CreateDirectory(repo);
        string token = Convert.ToBase64String(RandomNumberGenerator.GetBytes(30));
        string header = "AUTHORIZATION: basic " + token;
        string include = dir.Combine("runner-temp", $"git-credentials-{Guid.NewGuid():N}.config");
        await GitCli.RunAsync(repo, ["init", "-q"], ct);
        await GitCli.RunAsync(repo, ["config", "--local", "http.https://github.com/.extraheader", header], ct);
        await GitCli.RunAsync(repo, ["config", "--local", $"includeIf.gitdir:{repo}/.git.path", include], ct);
        return (repo, header, include);
    }

    private static async Task<string> EntriesAsync(string configText, TempDirectory dir, CancellationToken ct)
    {
        string file = dir.Combine($"cfg-{Guid.NewGuid():N}");
        await File.WriteAllTextAsync(file, configText, ct);
        (_, string listing) = await GitCli.RunAsync(dir.Path, ["config", "--file", file, "--list"], ct);
        return string.Join('\n', listing.Split('\n').Order(StringComparer.Ordinal));
    }
}
