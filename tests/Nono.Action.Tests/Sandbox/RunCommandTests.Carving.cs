using System.Diagnostics;
using Nono.Action.Commands;
using Nono.Testing;

namespace Nono.Action.Tests.Sandbox;

/// <summary>A deny carved out of a granted home, end to end: as root and as uid 65534.</summary>
public sealed partial class RunCommandTests
{
    [Theory]
    [InlineData(TestUser.Current)]
    [InlineData(TestUser.Nobody)]
    public async Task Run_AllowHome_HardLinkToACredentialAsASibling_NotGrantedAndReported(TestUser user)
    {
        using NonoSandbox sb = new(user);
        string secret = Guid.NewGuid().ToString("N");
        Directory.CreateDirectory(sb.Home.Combine(".ssh"));
        File.WriteAllText(sb.Home.Combine(".ssh", "id_ed25519"), secret);
        File.WriteAllText(sb.Home.Combine("pair-1"), "pair-ok");
        File.WriteAllText(sb.Home.Combine("notes"), "notes-ok");
        await LinkAndChown(sb, (sb.Home.Combine(".ssh", "id_ed25519"), sb.Home.Combine("leak")), (sb.Home.Combine("pair-1"), sb.Home.Combine("pair-2")));
        string[] allowHome = ["--allow", sb.Home.Path];

        ProcessResult dry = await sb.RunAsync(["run", "--dry-run", .. SandboxSystemPaths.CliFlags, .. allowHome, "--", "/bin/true"]);
        ProcessResult run = await sb.SandboxedAsync("run", allowHome, "/bin/sh", "-c",
            $"cat {sb.Home.Combine("notes")} {sb.Home.Combine("pair-2")}; echo; cat {sb.Home.Combine("leak")} || echo leak-denied");

        Assert.True(dry.ExitCode == 0, dry.ToString());
        Assert.Contains($"withheld: not granting {sb.Home.Combine("leak")} ", dry.StandardOutput);
        Assert.Contains("notes-okpair-ok", run.StandardOutput);
        Assert.Contains("leak-denied", run.StandardOutput);
        Assert.DoesNotContain(secret, run.StandardOutput);
        Assert.Contains($"nono: warning: not granting {sb.Home.Combine("leak")} ", run.StandardError);
        Assert.Contains("hard link to a file inside a denied directory", run.StandardError);
        Assert.DoesNotContain("pair-1", run.StandardError);
    }

    /// <summary>
    /// uid 65534 cannot read a denied directory it made mode 000, so it cannot tell whether a multiply-linked sibling is
    /// a name of a file in there: the sibling is withheld and reported. Root reads it, finds no link, and grants it.
    /// </summary>
    [Theory]
    [InlineData(TestUser.Current)]
    [InlineData(TestUser.Nobody)]
    public async Task Run_DeniedDirectoryUnreadable_MultiplyLinkedSiblingWithheldOnlyWhereItCannotBeChecked(TestUser user)
    {
        using NonoSandbox sb = new(user);
        Directory.CreateDirectory(sb.Home.Combine(".ssh"));
        File.WriteAllText(sb.Home.Combine("pair-1"), "pair-ok");
        File.WriteAllText(sb.Home.Combine("notes"), "notes-ok");
        await LinkAndChown(sb, (sb.Home.Combine("pair-1"), sb.Home.Combine("pair-2")));
        File.SetUnixFileMode(sb.Home.Combine(".ssh"), UnixFileMode.None);

        ProcessResult run = await sb.SandboxedAsync("run", ["--allow", sb.Home.Path], "/bin/sh", "-c",
            $"cat {sb.Home.Combine("notes")}; echo; cat {sb.Home.Combine("pair-1")} || echo pair-denied");

        Assert.Contains("notes-ok", run.StandardOutput);
        if (user == TestUser.Nobody)
        {
            Assert.Contains("pair-denied", run.StandardOutput);
            Assert.Contains($"nono: warning: not granting {sb.Home.Combine("pair-1")} ", run.StandardError);
            Assert.Contains($"could not all be checked for it (cannot read {sb.Home.Combine(".ssh")}", run.StandardError);
        }
        else
        {
            Assert.Contains("pair-ok", run.StandardOutput);
            Assert.DoesNotContain("not granting", run.StandardError);
        }
    }

    [Theory]
    [InlineData(TestUser.Current)]
    [InlineData(TestUser.Nobody)]
    public async Task Run_CarvedDirectoryOnTheWaySwappedForALinkAfterThePlan_Refused(TestUser user)
    {
        using NonoSandbox sb = new(user);
        string secret = Guid.NewGuid().ToString("N");
        File.WriteAllText(sb.Environment["NONO_PROFILE"], $$"""{ "meta": { "name": "test-carve" }, "filesystem": { "deny": ["{{sb.Home.Combine("a", "denied")}}"] } }""");
        Directory.CreateDirectory(sb.Home.Combine("a", "denied"));
        File.WriteAllText(sb.Home.Combine("a", "kept"), "kept-ok");
        File.WriteAllText(sb.Outside.Combine("kept"), secret);
        await LinkAndChown(sb);
        string[] args = ["run", .. SandboxSystemPaths.CliFlags, "--allow", sb.Home.Path, "--", "/bin/sh", "-c",
            $"cat {sb.Home.Combine("a", "kept")}; echo; cat {sb.Outside.Combine("kept")} || echo outside-denied"];

        ProcessResult unchanged = await RunPausedAfterPlanAsync(sb, args, () => { });
        ProcessResult swapped = await RunPausedAfterPlanAsync(sb, args, () =>
        {
            // The directory on the way moves and a link to a directory outside the grant takes its name: the listed
            // sibling "kept" would be granted there.
            Directory.Move(sb.Home.Combine("a"), sb.Home.Combine("a-moved"));
            Directory.CreateSymbolicLink(sb.Home.Combine("a"), sb.Outside.Path);
        });

        Assert.True(unchanged.ExitCode == 0, unchanged.ToString());
        Assert.Contains("kept-ok", unchanged.StandardOutput);
        Assert.Contains("outside-denied", unchanged.StandardOutput);
        Assert.NotEqual(0, swapped.ExitCode);
        Assert.DoesNotContain(secret, swapped.StandardOutput);
        Assert.Contains($"nono: {sb.Home.Combine("a")} changed after it was listed", swapped.StandardError);
    }

    /// <summary>
    /// Runs nono with the after-plan FIFO hook (or the hook named by <paramref name="hook"/>); <paramref name="change"/>
    /// runs while nono waits on it.
    /// </summary>
    private static async Task<ProcessResult> RunPausedAfterPlanAsync(NonoSandbox sb, string[] args, System.Action change, string hook = SandboxInvocation.PauseAfterPlanVariable)
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        string fifo = sb.Outside.Combine($"pause-{Guid.NewGuid():N}");
        Assert.Equal(0, (await ProcessRunner.RunAsync("mkfifo", ["-m", "0666", fifo], cancellationToken: ct)).ExitCode);
        if (sb.User == TestUser.Nobody)
        {
            // The hook opens only a FIFO owned by nono's effective uid.
            Assert.Equal(0, (await ProcessRunner.RunAsync("chown", [$"{ProcessRunner.NobodyId}:{ProcessRunner.NobodyId}", fifo], cancellationToken: ct)).ExitCode);
        }

        sb.Environment[hook] = fifo;
        using Process nono = sb.Start(args);
        nono.StandardInput.Close();
        Task<string> stdout = nono.StandardOutput.ReadToEndAsync(ct);
        Task<string> stderr = nono.StandardError.ReadToEndAsync(ct);

        // Opening the FIFO for writing returns once nono has opened it for reading, i.e. after the plan. If nono ends
        // first, open it for reading here so the pending open returns, and report what nono said.
        Task<FileStream> writer = Task.Run(() => new FileStream(fifo, FileMode.Open, FileAccess.Write), ct);
        FileStream? opened = null;
        try
        {
            if (await Task.WhenAny(writer, nono.WaitForExitAsync(ct)) != writer)
            {
                using (new FileStream(fifo, FileMode.Open, FileAccess.Read))
                {
                    (await writer).Dispose();
                }

                Assert.Fail($"nono ended before the plan was made: {await stderr}");
            }

            opened = await writer;
            change();
            opened.Dispose(); // the writer's close lets nono go on
            opened = null;
            await nono.WaitForExitAsync(ct);
            return new ProcessResult(nono.ExitCode, await stdout, await stderr);
        }
        finally
        {
            opened?.Dispose();
            if (!nono.HasExited)
            {
                nono.Kill(entireProcessTree: true);
            }
        }
    }

    /// <summary>The hook opens only a FIFO of nono's own uid, and no NONO_TEST_* variable reaches the command.</summary>
    [Theory]
    [InlineData(TestUser.Current)]
    [InlineData(TestUser.Nobody)]
    public async Task Run_TestHook_NotAFifoRefused_HookVariablesNotInherited(TestUser user)
    {
        using NonoSandbox sb = new(user);
        string notFifo = sb.Outside.Combine("not-a-fifo");
        File.WriteAllText(notFifo, "");
        sb.Environment[SandboxInvocation.PauseAfterPlanVariable] = notFifo;
        ProcessResult refused = await sb.SandboxedAsync("run", [], "/bin/echo", "command-ran");
        sb.Environment.Remove(SandboxInvocation.PauseAfterPlanVariable);
        sb.Environment["NONO_TEST_PROBE"] = "hook-value";
        ProcessResult env = await sb.SandboxedAsync("run", [], "/usr/bin/env");

        Assert.Equal(1, refused.ExitCode);
        Assert.Contains($"nono: test hook: {notFifo} is not a FIFO", refused.StandardError);
        Assert.DoesNotContain("command-ran", refused.StandardOutput);
        Assert.True(env.ExitCode == 0, env.ToString());
        Assert.Contains("PATH=", env.StandardOutput);
        Assert.DoesNotContain("NONO_TEST_", env.StandardOutput);
    }

    private static async Task LinkAndChown(NonoSandbox sb, params (string Existing, string Link)[] links)
    {
        foreach ((string existing, string link) in links)
        {
            Assert.Equal(0, (await ProcessRunner.RunAsync("ln", [existing, link], cancellationToken: TestContext.Current.CancellationToken)).ExitCode);
        }

        if (sb.User == TestUser.Nobody)
        {
            foreach (string path in new[] { sb.Home.Path, sb.Outside.Path })
            {
                Assert.Equal(0, (await ProcessRunner.RunAsync("chown", ["-R", $"{ProcessRunner.NobodyId}:{ProcessRunner.NobodyId}", path], cancellationToken: TestContext.Current.CancellationToken)).ExitCode);
            }
        }
    }
}
