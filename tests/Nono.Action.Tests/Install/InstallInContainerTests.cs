using DotNet.Testcontainers.Containers;

namespace Nono.Action.Tests.Install;

/// <summary>
/// The action's install-and-run path on a clean runner: a container made from Debian packages only, as the
/// non-root runner user, that has nothing but what a runner image has. The release it installs is made by
/// release.yml's own steps and served on loopback.
/// </summary>
[Trait("Requires", "Docker")]
public sealed class InstallInContainerTests(RunnerContainerFixture fixture) : IClassFixture<RunnerContainerFixture>
{
    [Fact]
    public async Task InstallLatest_VerifiesAndCaches_ThenSetupAndSandboxEnforce()
    {
        Assert.SkipWhen(fixture.SkipReason is not null, fixture.SkipReason ?? "");
        CancellationToken ct = TestContext.Current.CancellationToken;
        await using RunnerContainer runner = await RunnerContainer.StartAsync(fixture, ct);

        ExecResult install = await runner.InstallStepAsync("latest", ct);

        string cached = $"{RunnerContainer.ToolCache}/nono/{LocalRelease.GenuineTag}-{AotBinary.Rid}/nono";
        Assert.True(install.ExitCode == 0, install.Stdout + install.Stderr);
        Assert.Contains($"nono: using {cached}", install.Stdout);
        Assert.Contains("attestation was not checked", install.Stdout);
        Assert.Contains($"/api/repos/{LocalRelease.Repository}/releases/latest", fixture.Release.Requests);
        Assert.Contains($"/{LocalRelease.Repository}/releases/download/{LocalRelease.GenuineTag}/SHA256SUMS", fixture.Release.Requests);
        ExecResult env = await runner.BashAsync($"cat {RunnerContainer.GitHubEnv}; id -u", ct);
        Assert.Equal($"NONO_BIN={cached}\n1001\n", env.Stdout);

        // A second job on the same runner takes the verified binary from the tool cache.
        int downloads = fixture.Release.Requests.Count(r => r.EndsWith(LocalRelease.AssetName, StringComparison.Ordinal));
        ExecResult again = await runner.InstallStepAsync(LocalRelease.GenuineTag, ct);
        Assert.True(again.ExitCode == 0, again.Stdout + again.Stderr);
        Assert.Equal(downloads, fixture.Release.Requests.Count(r => r.EndsWith(LocalRelease.AssetName, StringComparison.Ordinal)));

        ExecResult setup = await runner.BashAsync($"{cached} setup --check-only", ct);
        Assert.True(setup.ExitCode == 0, setup.Stdout + setup.Stderr);
        Assert.Contains("sandbox: enforceable", setup.Stdout);

        // The ci profile refuses the direct-child containment (all this container offers: no user namespaces, no cgroup
        // of its own), as action mode does: a daemon left behind could change .git after nono checked it.
        ExecResult ci = await runner.BashAsync($"{cached} run --profile ci -- true", ct);
        Assert.Equal(1, ci.ExitCode);
        Assert.Contains("direct-child cannot end a daemonised grandchild", ci.Stderr);

        // The default profile: the working directory is writable, the runner's home outside it is not.
        string attempt = "echo in > inside.txt && echo wrote-inside; if echo out > $HOME/outside.txt 2>/dev/null; then echo ESCAPED; else echo denied-outside; fi";
        ExecResult sandboxed = await runner.BashAsync($"{cached} run --allow-cwd -- bash -c '{attempt}'", ct);
        Assert.True(sandboxed.ExitCode == 0, sandboxed.Stdout + sandboxed.Stderr);
        Assert.Contains("wrote-inside", sandboxed.Stdout);
        Assert.Contains("denied-outside", sandboxed.Stdout);
        Assert.DoesNotContain("ESCAPED", sandboxed.Stdout);
        ExecResult files = await runner.BashAsync("cat inside.txt; test -e $HOME/outside.txt && echo outside-exists || echo outside-absent", ct);
        Assert.Equal("in\noutside-absent\n", files.Stdout);

        // Control: the same write without nono succeeds, so the denial above is the sandbox's doing.
        ExecResult control = await runner.BashAsync($"bash -c '{attempt}'", ct);
        Assert.Contains("ESCAPED", control.Stdout);
    }

    [Fact]
    public async Task InstallTamperedOrUnsummed_IsRefusedAndRunsNothing()
    {
        Assert.SkipWhen(fixture.SkipReason is not null, fixture.SkipReason ?? "");
        CancellationToken ct = TestContext.Current.CancellationToken;
        await using RunnerContainer runner = await RunnerContainer.StartAsync(fixture, ct);

        ExecResult tampered = await runner.InstallStepAsync(LocalRelease.TamperedTag, ct);
        ExecResult unsummed = await runner.InstallStepAsync(LocalRelease.UncheckedTag, ct);

        Assert.Equal(1, tampered.ExitCode);
        Assert.Contains($"::error::nono: SHA-256 of {LocalRelease.AssetName} does not match the release's SHA256SUMS", tampered.Stdout);
        Assert.Equal(1, unsummed.ExitCode);
        Assert.Contains($"::error::nono: release {LocalRelease.UncheckedTag} has no SHA256SUMS", unsummed.Stdout);
        ExecResult after = await runner.BashAsync(
            $"test -e {LocalRelease.TamperedMarker} && echo RAN; cat {RunnerContainer.GitHubEnv}; find {RunnerContainer.ToolCache} -name nono -type f", ct);
        Assert.Equal("", after.Stdout);

        // Control: the tampered binary does leave its marker when it is run.
        ExecResult control = await runner.BashAsync(
            $"curl -fsS {fixture.Release.ServerUrl}/{LocalRelease.Repository}/releases/download/{LocalRelease.TamperedTag}/{LocalRelease.AssetName} | tar -xz -C /tmp && /tmp/nono --version && test -e {LocalRelease.TamperedMarker} && echo RAN", ct);
        Assert.Contains("RAN", control.Stdout);
    }
}
