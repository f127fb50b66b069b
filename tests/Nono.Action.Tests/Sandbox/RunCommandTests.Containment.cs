using System.Diagnostics;
using Nono.Testing;

namespace Nono.Action.Tests.Sandbox;

public sealed partial class RunCommandTests
{
    /// <summary>
    /// Starts a daemon (double fork, setsid, SIGTERM and SIGHUP ignored) whose argv carries the marker, waits until it
    /// runs, prints "ready", then either waits forever (argv[2] = "wait") or exits 0.
    /// </summary>
    private const string Daemonize = """
        import os, signal, sys, time
        r, w = os.pipe()
        if os.fork() == 0:
            os.setsid()
            if os.fork() == 0:
                signal.signal(signal.SIGTERM, signal.SIG_IGN)
                signal.signal(signal.SIGHUP, signal.SIG_IGN)
                os.write(w, b"x")
                while True:
                    time.sleep(1)
            os._exit(0)
        os.read(r, 1)
        os.wait()
        print("ready", flush=True)
        if sys.argv[2] == "wait":
            signal.pause()
        """;

    public static TheoryData<TestUser, string> KillingTiers => new()
    {
        { TestUser.Current, "pidns" },
        { TestUser.Nobody, "pidns" },
        { TestUser.Current, "cgroup" },
    };

    [Theory]
    [MemberData(nameof(KillingTiers))]
    public async Task Run_NonoKilled_DaemonizedGrandchildDies(TestUser user, string containment)
    {
        using NonoSandbox sb = new(user);
        sb.Environment["NONO_CONTAINMENT"] = containment;
        string marker = $"nono-daemon-{Guid.NewGuid():N}";
        using Process nono = sb.Start(["run", .. SandboxSystemPaths.CliFlags, "--", NonoSandbox.Python, "-c", Daemonize, marker, "wait"]);
        await ExpectReadyAsync(nono);
        Assert.True(MarkedProcesses(marker).Count >= 2, "the command and its daemon should both run");

        int nonoPid = nono.Id;
        Signal(nonoPid, 9);
        await nono.WaitForExitAsync(TestContext.Current.CancellationToken);

        Assert.Empty(await SurvivorsAsync(marker, expectNone: true));
        if (containment == "cgroup")
        {
            // The relay also removes the run's leaf (it sits next to nono's cgroup, which is the test host's).
            string parent = OwnCgroupDirectory();
            using CancellationTokenSource bound = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
            bound.CancelAfter(TimeSpan.FromSeconds(60));
            while (Directory.EnumerateDirectories(parent, $"nono-run-{nonoPid}-*").Any() && !bound.IsCancellationRequested)
            {
                await Task.Delay(20, TestContext.Current.CancellationToken);
            }

            Assert.Empty(Directory.EnumerateDirectories(parent, $"nono-run-{nonoPid}-*"));
        }
    }

    private static string OwnCgroupDirectory()
    {
        string relative = File.ReadLines("/proc/self/cgroup").First(l => l.StartsWith("0::", StringComparison.Ordinal))[3..];
        string[] mount = File.ReadLines("/proc/self/mountinfo").Select(l => l.Split(' ')).First(f => f[Array.IndexOf(f, "-") + 1] == "cgroup2");
        return Path.Join(mount[4], relative[mount[3].TrimEnd('/').Length..]);
    }

    [Theory]
    [MemberData(nameof(KillingTiers))]
    public async Task Run_CommandExitsLeavingDaemon_DaemonEndsWithTheRun(TestUser user, string containment)
    {
        using NonoSandbox sb = new(user);
        sb.Environment["NONO_CONTAINMENT"] = containment;
        string marker = $"nono-daemon-{Guid.NewGuid():N}";

        ProcessResult result = await sb.SandboxedAsync("run", [], NonoSandbox.Python, "-c", Daemonize, marker, "exit");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("ready", result.StandardOutput);
        Assert.Empty(await SurvivorsAsync(marker, expectNone: true));
    }

    [Fact]
    public async Task Run_DirectChildOnly_DaemonSurvivesNonoKill()
    {
        // The control: without containment the daemon outlives nono, so the tests above can fail.
        using NonoSandbox sb = new(TestUser.Current);
        sb.Environment["NONO_CONTAINMENT"] = "direct-child";
        string marker = $"nono-daemon-{Guid.NewGuid():N}";
        using Process nono = sb.Start(["run", .. SandboxSystemPaths.CliFlags, "--", NonoSandbox.Python, "-c", Daemonize, marker, "wait"]);
        await ExpectReadyAsync(nono);

        Signal(nono.Id, 9);
        await nono.WaitForExitAsync(TestContext.Current.CancellationToken);

        IReadOnlyList<int> survivors = await SurvivorsAsync(marker, expectNone: false);
        try
        {
            Assert.Single(survivors);
        }
        finally
        {
            foreach (int pid in survivors)
            {
                Signal(pid, 9);
            }
        }
    }

    [Theory]
    [InlineData(TestUser.Current, "pidns")]
    [InlineData(TestUser.Nobody, "pidns")]
    [InlineData(TestUser.Current, "cgroup")]
    [InlineData(TestUser.Current, "direct-child")]
    [InlineData(TestUser.Nobody, "direct-child")]
    public async Task Run_EachContainment_ExitCodesSignalsAndChildrenWork(TestUser user, string containment)
    {
        using NonoSandbox sb = new(user);
        sb.Environment["NONO_CONTAINMENT"] = containment;
        string secret = Guid.NewGuid().ToString("N");
        await File.WriteAllTextAsync(sb.Outside.Combine("s"), secret, TestContext.Current.CancellationToken);

        ProcessResult exited = await sb.SandboxedAsync("run", [], "/bin/sh", "-c", "exit 7");
        ProcessResult killed = await sb.SandboxedAsync("run", [], "/bin/sh", "-c", "kill -TERM $$");
        ProcessResult children = await sb.SandboxedAsync("run", [], "/bin/sh", "-c",
            $"(sleep 0.1; echo first) & (echo second) & wait; sh -c 'sh -c \"cat {sb.Outside.Combine("s")} || echo grandchild-denied\"'; exit 3");

        Assert.Equal(7, exited.ExitCode);
        Assert.Equal(143, killed.ExitCode);
        Assert.Equal(3, children.ExitCode);
        Assert.Contains("first", children.StandardOutput);
        Assert.Contains("second", children.StandardOutput);
        Assert.Contains("grandchild-denied", children.StandardOutput);
        Assert.DoesNotContain(secret, children.StandardOutput);
    }

    [Theory]
    [InlineData(TestUser.Current, "pidns", 2)]
    [InlineData(TestUser.Nobody, "pidns", 15)]
    [InlineData(TestUser.Current, "cgroup", 2)]
    [InlineData(TestUser.Current, "direct-child", 15)]
    public async Task Run_EachContainment_SignalForwardedToCommand(TestUser user, string containment, int signal)
    {
        using NonoSandbox sb = new(user);
        sb.Environment["NONO_CONTAINMENT"] = containment;
        string handler = WaitForTerm.Replace("signal.SIGTERM, on_term", $"{signal}, on_term", StringComparison.Ordinal);
        using Process nono = sb.Start(["run", .. SandboxSystemPaths.CliFlags, "--", NonoSandbox.Python, "-c", handler]);
        await ExpectReadyAsync(nono);

        Signal(nono.Id, signal);
        string rest = await nono.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        await nono.WaitForExitAsync(TestContext.Current.CancellationToken);

        Assert.Contains("got-term", rest);
        Assert.Equal(42, nono.ExitCode);
    }

    private const string EnvironScan = """
        import os, sys
        secret = sys.argv[1].encode()
        pids = [p for p in os.listdir("/proc") if p.isdigit()]
        found = 0
        for p in pids:
            try:
                found += secret in open(f"/proc/{p}/environ", "rb").read()
            except OSError:
                pass
        own = os.environ["SANDBOX_PROBE_MARKER"].encode() in open("/proc/self/environ", "rb").read()
        print("found" if found else "not-found", "own-ok" if own else "own-missing", "pids", len(pids))
        """;

    [Theory]
    [InlineData(TestUser.Current, "pidns", false)]
    [InlineData(TestUser.Nobody, "pidns", false)]
    [InlineData(TestUser.Current, "direct-child", true)]
    public async Task Run_PrivateProc_HostEnvironInvisibleOwnReadable(TestUser user, string containment, bool hostVisible)
    {
        using NonoSandbox sb = new(user);
        sb.Environment["NONO_CONTAINMENT"] = containment;
        sb.Environment["SANDBOX_PROBE_MARKER"] = Guid.NewGuid().ToString("N");
        string secret = Guid.NewGuid().ToString("N");
        ProcessStartInfo host = new("/bin/sleep", ["300"]) { UseShellExecute = false };
        host.Environment["NONO_HOST_SECRET"] = secret; // a host process of the same user as the test (root)
        using Process planted = Process.Start(host) ?? throw new InvalidOperationException("sleep did not start");
        try
        {
            ProcessResult result = await sb.SandboxedAsync("run", [], NonoSandbox.Python, "-c", EnvironScan, secret);

            Assert.Equal(0, result.ExitCode);
            Assert.Contains("own-ok", result.StandardOutput);
            Assert.Contains(hostVisible ? "found" : "not-found", result.StandardOutput);
            int pids = int.Parse(result.StandardOutput.Trim().Split(' ')[^1], System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(hostVisible ? pids > 10 : pids <= 3, $"{pids} processes visible: {result.StandardOutput}");
        }
        finally
        {
            planted.Kill();
        }
    }

    [Fact]
    public async Task Run_Containment_StatedByDryRunSetupAndAuditRecord()
    {
        using NonoSandbox sb = new(TestUser.Current);
        ProcessResult dry = await sb.SandboxedAsync("run", ["--dry-run"], "/bin/true");
        ProcessResult recorded = await sb.SandboxedAsync("run", [], "/bin/true");
        sb.Environment["NONO_CONTAINMENT"] = "direct-child";
        ProcessResult forced = await sb.SandboxedAsync("run", ["--dry-run"], "/bin/true");
        ProcessResult setup = await sb.RunAsync("setup", "--check-only", "--json");
        sb.Environment["NONO_CONTAINMENT"] = "bogus";
        ProcessResult bad = await sb.SandboxedAsync("run", [], "/bin/true");

        Assert.Contains("process containment: pidns", dry.StandardOutput);
        Assert.Equal(0, recorded.ExitCode);
        string events = string.Concat(Directory.EnumerateFiles(sb.Home.Combine(".local", "state", "nono", "audit"), "audit-events.ndjson", SearchOption.AllDirectories).Select(File.ReadAllText));
        Assert.Contains("containment pidns", events); // the record escapes "+"
        Assert.Contains("process containment: direct-child (WEAKER", forced.StandardOutput);
        Assert.Contains("\"pidNamespace\": true", setup.StandardOutput);
        Assert.Contains("\"processContainment\": \"direct-child\"", setup.StandardOutput);
        Assert.Equal(1, bad.ExitCode);
        Assert.Equal("nono: NONO_CONTAINMENT=bogus is not a process containment (pidns, cgroup, direct-child)", bad.StandardError.Trim());
    }

    [Fact]
    public async Task Run_ForcedCgroupWithoutWritableCgroup_Refused()
    {
        using NonoSandbox sb = new(TestUser.Nobody);
        sb.Environment["NONO_CONTAINMENT"] = "cgroup";
        string marker = sb.Home.Combine("ran");

        ProcessResult result = await sb.SandboxedAsync("run", ["--allow", sb.Home.Path], "/bin/sh", "-c", $"touch {marker}");

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("nono: NONO_CONTAINMENT=cgroup, but it is not available: cannot create a cgroup", result.StandardError.Trim());
        Assert.False(File.Exists(marker));
    }

    private static async Task ExpectReadyAsync(Process nono)
    {
        string? ready = await nono.StandardOutput.ReadLineAsync(TestContext.Current.CancellationToken);
        if (ready is null || !ready.StartsWith("ready", StringComparison.Ordinal))
        {
            string errors = await nono.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
            Assert.Fail($"no ready line: {ready}; stderr: {errors}");
        }
    }

    /// <summary>
    /// The live marked processes once the kernel has finished with them: polled until none is left (expected) or the
    /// count is steady for a second (the control). The 60 s bound only keeps a broken build from hanging the suite.
    /// </summary>
    private static async Task<IReadOnlyList<int>> SurvivorsAsync(string marker, bool expectNone)
    {
        using CancellationTokenSource bound = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        bound.CancelAfter(TimeSpan.FromSeconds(60));
        List<int> alive = MarkedProcesses(marker);
        int steady = 0;
        while (alive.Count > 0 && !bound.IsCancellationRequested && (expectNone || steady < 50))
        {
            await Task.Delay(20, TestContext.Current.CancellationToken);
            List<int> now = MarkedProcesses(marker);
            steady = now.Count == alive.Count ? steady + 1 : 0;
            alive = now;
        }

        return alive;
    }

    /// <summary>Host pids of live (non-zombie) processes whose argv holds <paramref name="marker"/>.</summary>
    private static List<int> MarkedProcesses(string marker)
    {
        List<int> pids = [];
        foreach (string dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out int pid))
            {
                continue;
            }

            try
            {
                if (File.ReadAllText(Path.Combine(dir, "cmdline")).Contains(marker, StringComparison.Ordinal) && IsAlive(pid))
                {
                    pids.Add(pid);
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // exited while we looked
            }
        }

        return pids;
    }
}
