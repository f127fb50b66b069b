using System.Diagnostics;
using Nono.Testing;

namespace Nono.Action.Tests.Sandbox;

/// <summary>Runs the real <c>nono</c> binary as root or as uid 65534, with a home directory that user owns.</summary>
internal sealed class NonoSandbox : IDisposable
{
    public const string Python = "/usr/bin/python3";

    public NonoSandbox(TestUser user)
    {
        Assert.SkipUnless(user == TestUser.Current || ProcessRunner.IsRoot, "running as uid 65534 needs root");
        // The end-to-end tests expect the full tier by default (older tiers are exercised with --landlock-abi).
        Assert.SkipUnless(Nono.Core.Sandbox.SandboxSupport.Probe().LandlockAbi >= 6, "needs a kernel with Landlock ABI 6 or later");
        User = user;
        Home = new TempDirectory("nono-home-");
        Outside = new TempDirectory("nono-outside-");
        WorkingDirectory = Home.Path;
        if (user == TestUser.Nobody)
        {
            Chown(Home.Path);
            Chown(Outside.Path);
        }

        // These tests state every grant on the command line, so they run on an empty profile: the built-in
        // profiles (system reads, the working directory) would otherwise grant what a test expects denied.
        // The mandatory credential and state denies still apply. ProfileRunTests cover the built-ins.
        string emptyProfile = Path.Combine(Home.Path, "empty-profile.json");
        File.WriteAllText(emptyProfile, "{ \"meta\": { \"name\": \"test-empty\" } }");
        Environment = new Dictionary<string, string>
        {
            ["PATH"] = "/usr/local/bin:/usr/bin:/bin",
            ["HOME"] = Home.Path,
            ["TMPDIR"] = Home.Path,
            ["LC_ALL"] = "C",
            ["NONO_PROFILE"] = emptyProfile,
        };
        if (System.Environment.GetEnvironmentVariable("DOTNET_ROOT") is string root)
        {
            Environment["DOTNET_ROOT"] = root;
        }
    }

    public TestUser User { get; }

    /// <summary>Owned by the test user; the usual grant target.</summary>
    public TempDirectory Home { get; }

    /// <summary>Owned by the test user too, so only the sandbox stops access to it.</summary>
    public TempDirectory Outside { get; }

    public Dictionary<string, string> Environment { get; }

    /// <summary>Where nono starts: the home, unless <see cref="StartInProjectDirectory"/> was called.</summary>
    public string WorkingDirectory { get; private set; }

    /// <summary>
    /// Starts nono in <c>$HOME/project</c> (owned by the test user) and returns it: a profile granting the working
    /// directory is refused in the home itself.
    /// </summary>
    public string StartInProjectDirectory()
    {
        string project = Directory.CreateDirectory(Path.Combine(Home.Path, "project")).FullName;
        if (User == TestUser.Nobody)
        {
            Chown(project);
        }

        WorkingDirectory = project;
        return project;
    }

    public Task<ProcessResult> RunAsync(params string[] args) =>
        ProcessRunner.RunAsync(NonoExecutable.Path, args, User, Environment, WorkingDirectory, cancellationToken: TestContext.Current.CancellationToken);

    /// <summary><c>nono run</c> with the system grants, then <paramref name="options"/>, then <c>-- command</c>.</summary>
    public Task<ProcessResult> SandboxedAsync(string verb, IEnumerable<string> options, params string[] command) =>
        RunAsync([verb, .. SandboxSystemPaths.CliFlags, .. options, "--", .. command]);

    /// <summary>Starts nono (or <paramref name="executable"/>, e.g. the NativeAOT build) without waiting.</summary>
    public Process Start(IEnumerable<string> args, string? executable = null)
    {
        executable ??= NonoExecutable.Path;
        ProcessStartInfo psi = ProcessRunner.StartInfo(executable, args, User);
        psi.RedirectStandardOutput = true;
        psi.RedirectStandardError = true;
        psi.RedirectStandardInput = true;
        psi.WorkingDirectory = WorkingDirectory;

        psi.Environment.Clear();
        foreach ((string k, string v) in Environment)
        {
            psi.Environment[k] = v;
        }

        return Process.Start(psi) ?? throw new InvalidOperationException("nono did not start");
    }

    public void Dispose()
    {
        Home.Dispose();
        Outside.Dispose();
    }

    private static void Chown(string path)
    {
        ProcessResult r = ProcessRunner.RunAsync("chown", ["-R", $"{ProcessRunner.NobodyId}:{ProcessRunner.NobodyId}", path]).GetAwaiter().GetResult();
        Assert.Equal(0, r.ExitCode);
    }
}
