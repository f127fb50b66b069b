using DotNet.Testcontainers.Configurations;
using DotNet.Testcontainers.Images;
using Nono.Testing;

namespace Nono.Action.Tests.Install;

/// <summary>
/// Shared by the container tests: the runner image and the loopback release. Without Docker the tests skip
/// locally, but fail under CI (CI=true), where .ci/run starts dockerd.
/// </summary>
public sealed class RunnerContainerFixture : IAsyncLifetime
{
    private IFutureDockerImage? _image;
    private LocalRelease? _release;

    public string? SkipReason { get; private set; }

    internal IFutureDockerImage Image => _image ?? throw new InvalidOperationException(SkipReason);

    internal LocalRelease Release => _release ?? throw new InvalidOperationException(SkipReason);

    public async ValueTask InitializeAsync()
    {
        bool ci = Environment.GetEnvironmentVariable("CI") == "true";
        string? dockerHost = Environment.GetEnvironmentVariable("DOCKER_HOST");
        if (string.IsNullOrEmpty(dockerHost) && !File.Exists("/var/run/docker.sock"))
        {
            SkipReason = "Docker is not available (no DOCKER_HOST, no /var/run/docker.sock); .ci/run starts dockerd";
            ThrowUnderCi(ci);
            return;
        }

        if (!DebianRootfs.CanBuild && !DebianRootfs.IsCached(out _))
        {
            SkipReason = "debootstrap needs root to make the runner's root filesystem (run once as root to cache it)";
            ThrowUnderCi(ci);
            return;
        }

        // Testcontainers speaks API 1.44 unless told otherwise; Debian bookworm's dockerd (20.10) answers 1.41
        // at most. Speak the daemon's own version.
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DOCKER_API_VERSION")))
        {
            ProcessResult version = await ProcessRunner.RunAsync("docker", ["version", "--format", "{{.Server.APIVersion}}"], cancellationToken: TestContext.Current.CancellationToken);
            Assert.True(version.ExitCode == 0, "docker version: " + version.StandardError);
            Environment.SetEnvironmentVariable("DOCKER_API_VERSION", version.StandardOutput.Trim());
        }

        // The resource reaper is an image from a registry, and no registry can be reached: resources are
        // removed by the tests themselves.
        TestcontainersSettings.ResourceReaperEnabled = false;
        CancellationToken cancellationToken = TestContext.Current.CancellationToken;
        Task<string> binary = AotBinary.FindOrPublishAsync(cancellationToken);
        _image = await RunnerImage.BuildAsync(await DebianRootfs.GetAsync(cancellationToken), cancellationToken);
        _release = await LocalRelease.CreateAsync(await binary, cancellationToken);
    }

    private void ThrowUnderCi(bool ci)
    {
        if (ci)
        {
            throw new InvalidOperationException("CI must run the container tests: " + SkipReason);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_release is not null)
        {
            await _release.DisposeAsync();
        }

        if (_image is not null)
        {
            await _image.DeleteAsync();
            await _image.DisposeAsync();
        }
    }
}
