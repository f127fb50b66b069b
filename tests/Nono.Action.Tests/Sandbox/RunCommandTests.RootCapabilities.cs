using System.Security.Cryptography;
using Nono.Testing;

namespace Nono.Action.Tests.Sandbox;

public sealed partial class RunCommandTests
{
    /// <summary>
    /// Reads /proc/&lt;argv[1]&gt;/environ (nono's parent shell, which holds the secret variable argv[3]), prints the command's effective
    /// capabilities, then does legitimate work: writes the granted file argv[2] from a child process.
    /// </summary>
    private const string RootProbe = """
        import os, subprocess, sys
        try:
            data = open(f"/proc/{sys.argv[1]}/environ", "rb").read()
            print("environ", "secret-visible" if (sys.argv[3] + "=").encode() in data else "read-no-secret")
        except OSError as e:
            print("environ denied", e.errno)
        cap_eff = [l.split()[1] for l in open("/proc/self/status") if l.startswith("CapEff:")][0]
        print("capeff", int(cap_eff, 16))
        subprocess.run(["/bin/sh", "-c", 'echo written > "$0"', sys.argv[2]], check=True)
        print("child-ran")
        """;

    public static TheoryData<TestUser, string> RootCapabilityContainments => new()
    {
        { TestUser.Current, "direct-child" },
        { TestUser.Current, "cgroup" },
        { TestUser.Nobody, "direct-child" },
    };

    [Theory]
    [MemberData(nameof(RootCapabilityContainments))]
    public async Task Run_RootWithoutUserNamespace_CannotReadTheParentShellsEnvironment(TestUser user, string containment)
    {
        (ProcessResult result, string secret, string written) = await RunRootProbeAsync(user, containment, []);

        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.DoesNotContain(secret, result.StandardOutput);
        Assert.Contains("child-ran", result.StandardOutput);
        Assert.Equal("written\n", written);
        Assert.Contains("capeff 0\n", result.StandardOutput); // root keeps no capability; 65534 never had one
        // Root: the shell has capabilities the command lacks, so the kernel refuses PTRACE_MODE_READ. 65534: unchanged
        // (refused before this change too; Landlock's domain scoping stops a sandboxed process reading outside it).
        Assert.Matches("environ denied (13|1)\n", result.StandardOutput);
        Assert.DoesNotContain("weaker mode", result.StandardError);
    }

    [Fact]
    public async Task Run_RootCapabilitiesOptIn_KeepsThemAndSaysSo()
    {
        Assert.SkipUnless(ProcessRunner.IsRoot, "root capabilities need root");

        (ProcessResult result, _, string written) = await RunRootProbeAsync(TestUser.Current, "direct-child", ["--allow-weaker", "root-capabilities"]);

        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.DoesNotContain("capeff 0\n", result.StandardOutput);
        ulong capEff = ulong.Parse(System.Text.RegularExpressions.Regex.Match(result.StandardOutput, "capeff (\\d+)\n").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(1UL, capEff & 1UL); // CAP_CHOWN kept: the opt-in still keeps capabilities
        Assert.Equal(0UL, capEff & (1UL << 31)); // CAP_SETFCAP dropped even so: file capabilities act like a set-user-ID bit
        Assert.Contains("environ secret-visible", result.StandardOutput); // the hole the default closes: the probe finds it
        Assert.Contains("weaker mode in force: root-capabilities", result.StandardError);
        Assert.Equal("written\n", written);
    }

    private static async Task<(ProcessResult Result, string Secret, string Written)> RunRootProbeAsync(TestUser user, string containment, string[] extra)
    {
        using NonoSandbox sb = new(user);
        string secret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        string name = "PROBE_SECRET_" + Convert.ToHexString(RandomNumberGenerator.GetBytes(4));
        sb.Environment[name] = secret;
        sb.Environment["NONO_CONTAINMENT"] = containment;
        sb.Environment["NONO_NETWORK_TIER"] = "landlock-tcp"; // no user namespace, as in a GitHub `container:` job
        string granted = sb.Outside.Combine("granted.txt"); // not directly in the home, where nono's state directory is carved out
        string[] nono = [NonoExecutable.Path, "run", .. SandboxSystemPaths.CliFlags, "--allow", sb.Outside.Path, "--block-net", .. extra, "--", NonoSandbox.Python, "-c", RootProbe];
        // The shell forks nono (the trailing command keeps it from exec'ing) and passes its own pid to the probe.
        ProcessResult result = await ProcessRunner.RunAsync(
            "/bin/sh", ["-c", "\"$@\" $$ \"$GRANTED\" \"$SECRET_NAME\"; exit $?", "sh", .. nono], user, new Dictionary<string, string>(sb.Environment) { ["GRANTED"] = granted, ["SECRET_NAME"] = name },
            sb.Home.Path, cancellationToken: TestContext.Current.CancellationToken);
        string written = File.Exists(granted) ? await File.ReadAllTextAsync(granted, TestContext.Current.CancellationToken) : "";
        return (result, secret, written);
    }
}
