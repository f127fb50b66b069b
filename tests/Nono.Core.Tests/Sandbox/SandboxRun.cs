using Nono.Core.Capabilities;
using Nono.Core.Sandbox;
using Nono.Testing;

namespace Nono.Core.Tests.Sandbox;

/// <summary>Runs a command through <see cref="SandboxLauncher"/> (the fork child confines itself; the test host stays clean).</summary>
internal static class SandboxRun
{
    public const string Sh = "/bin/sh";
    public const string Python = "/usr/bin/python3";

    public static CapabilitySet With(params FsGrant[] grants) => new() { Grants = [.. SandboxSystemPaths.Grants, .. grants] };

    public static FsGrant Read(string path) => new(path, FsAccess.Read, File.Exists(path), "test");

    public static FsGrant Write(string path) => new(path, FsAccess.ReadWrite, File.Exists(path), "test");

    public static SandboxPlan Plan(CapabilitySet capabilities, int? abi = null, params WeakerMode[] weaker)
    {
        PlanResult result = SandboxPlanner.Plan(capabilities, new EnforcementOptions
        {
            Support = SandboxSupport.Probe(abi),
            AllowedWeakerModes = new HashSet<WeakerMode>(weaker.Length == 0 ? [WeakerMode.UnscopedSignals, WeakerMode.UnrestrictedTruncate] : weaker),
        });
        Assert.True(result.Succeeded, string.Join("\n", result.Problems));
        return result.Plan!;
    }

    public static Task<ProcessResult> ShAsync(CapabilitySet capabilities, string script, int? abi = null) =>
        RunAsync(Plan(capabilities, abi), Sh, ["-c", script]);

    public static async Task<ProcessResult> RunAsync(SandboxPlan plan, string command, IReadOnlyList<string> arguments, string? workingDirectory = null, Func<LaunchSpec, LaunchSpec>? adjust = null)
    {
        using TempDirectory output = new("nono-out-");
        string stdoutPath = output.Combine("stdout");
        string stderrPath = output.Combine("stderr");
        int code;
        using (Microsoft.Win32.SafeHandles.SafeFileHandle stdout = File.OpenHandle(stdoutPath, FileMode.Create, FileAccess.Write))
        using (Microsoft.Win32.SafeHandles.SafeFileHandle stderr = File.OpenHandle(stderrPath, FileMode.Create, FileAccess.Write))
        using (Microsoft.Win32.SafeHandles.SafeFileHandle stdin = File.OpenHandle("/dev/null", FileMode.Open, FileAccess.Read))
        {
            LaunchSpec spec = new()
            {
                Command = command,
                Arguments = arguments,
                Environment = new Dictionary<string, string> { ["PATH"] = "/usr/bin:/bin", ["LC_ALL"] = "C" },
                WorkingDirectory = workingDirectory ?? "/",
                StandardInput = stdin,
                StandardOutput = stdout,
                StandardError = stderr,
            };
            using SandboxedProcess process = SandboxLauncher.Start(plan, adjust?.Invoke(spec) ?? spec);
            ChildExit exit = await process.WaitForExitAsync(TestContext.Current.CancellationToken);
            code = exit.ShellExitCode;
        }

        return new ProcessResult(code, await File.ReadAllTextAsync(stdoutPath), await File.ReadAllTextAsync(stderrPath));
    }
}
