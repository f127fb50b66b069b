using System.Net.Sockets;
using System.Security.Cryptography;
using Nono.Testing;

namespace Nono.Action.Tests.ActionMode;

/// <summary>
/// What the job summary promises: inside the sandbox, sudo and the Docker socket are unusable. The runner user
/// (uid 65534 here) gets passwordless sudo and a UNIX socket stands in for /var/run/docker.sock; both work outside
/// the sandbox, and neither inside (no_new_privs ignores sudo's setuid bit; seccomp refuses UNIX sockets). A profile
/// that grants UNIX sockets makes a granted socket reachable, so the denial is the policy, not a broken socket.
/// </summary>
public sealed class ActionPrivilegeTests
{
    private const string Probe = """
        import socket, sys
        for name, path in (("docker", sys.argv[1]), ("granted", sys.argv[2])):
            try:
                s = socket.socket(socket.AF_UNIX)
                s.connect(path)
                print(name, "ok")
            except OSError as e:
                print(name, "errno", e.errno)
        """;

    [Fact]
    public async Task SudoAndDockerSocket_WorkForTheRunnerUser_ButNotInsideTheSandbox()
    {
        Assert.SkipUnless(ProcessRunner.IsRoot, "giving uid 65534 passwordless sudo needs root");
        Assert.SkipUnless(File.Exists("/usr/bin/sudo"), "sudo is not installed (.ci/install-deps installs it)");
        string sudoers = $"/etc/sudoers.d/nono-test-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6))}";
        using ActionStep runner = new(TestUser.Nobody);
        using Socket docker = Listen(Path.Combine(runner.RunnerTemp, "docker.sock"));
        using Socket granted = Listen(Path.Combine(runner.Workspace, "agent.sock"));
        File.WriteAllText(Path.Combine(runner.Workspace, "probe.py"), Probe);
        File.WriteAllText(Path.Combine(runner.Workspace, "unix.json"), """{ "extends": "ci", "network": { "allow_unix_sockets": true } }""");
        string[] sockets = [Path.Combine(runner.RunnerTemp, "docker.sock"), Path.Combine(runner.Workspace, "agent.sock")];
        string run = $"(sudo -n id -u || echo rc=$?) > sudo.out 2>&1; python3 probe.py {sockets[0]} {sockets[1]} > sock.out 2>&1";
        try
        {
            File.WriteAllText(sudoers, "nobody ALL=(ALL) NOPASSWD: ALL\n");
            File.SetUnixFileMode(sudoers, UnixFileMode.UserRead | UnixFileMode.GroupRead);

            ProcessResult outsideSudo = await ProcessRunner.RunAsync("sudo", ["-n", "id", "-u"], TestUser.Nobody, cancellationToken: TestContext.Current.CancellationToken);
            ProcessResult outsideSocket = await ProcessRunner.RunAsync("/usr/bin/python3", [Path.Combine(runner.Workspace, "probe.py"), .. sockets], TestUser.Nobody, cancellationToken: TestContext.Current.CancellationToken);
            (ProcessResult step, _, _) = await runner.RunAsync(new() { ["run"] = run });
            string sudoInside = File.ReadAllText(Path.Combine(runner.Workspace, "sudo.out"));
            string socketInside = File.ReadAllText(Path.Combine(runner.Workspace, "sock.out"));
            (ProcessResult grantedStep, _, _) = await runner.RunAsync(new() { ["run"] = run, ["profile"] = "unix.json" });
            string socketGranted = File.ReadAllText(Path.Combine(runner.Workspace, "sock.out"));

            Assert.True(outsideSudo.ExitCode == 0, outsideSudo.ToString());
            Assert.Equal("0", outsideSudo.StandardOutput.Trim());
            Assert.True(outsideSocket.StandardOutput.Contains("docker ok", StringComparison.Ordinal), outsideSocket.ToString());
            Assert.True(step.ExitCode == 0, step.ToString());
            Assert.True(sudoInside.Contains("rc=1", StringComparison.Ordinal) && !sudoInside.StartsWith("0\n", StringComparison.Ordinal), sudoInside);
            Assert.Contains("docker errno 1", socketInside, StringComparison.Ordinal);
            Assert.Contains("granted errno 1", socketInside, StringComparison.Ordinal);
            Assert.Contains("sudo and the Docker socket are unusable inside the sandbox", File.ReadAllText(runner.SummaryFile), StringComparison.Ordinal);
            Assert.True(grantedStep.ExitCode == 0, grantedStep.ToString());
            Assert.Contains("granted ok", socketGranted, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(sudoers);
        }
    }

    private static Socket Listen(string path)
    {
        Socket socket = new(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(path));
        socket.Listen(8);
        File.SetUnixFileMode(path, (UnixFileMode)0b110_110_110);
        return socket;
    }
}
