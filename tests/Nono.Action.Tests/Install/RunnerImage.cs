using DotNet.Testcontainers.Builders;
using DotNet.Testcontainers.Images;
using Nono.Testing;

namespace Nono.Action.Tests.Install;

/// <summary>
/// A local image made from files only (no registry can be reached): <c>FROM scratch</c> plus the debootstrap
/// root filesystem, run as the non-root runner user, built through Testcontainers' image builder.
/// </summary>
internal static class RunnerImage
{
    private const string Dockerfile = """
        FROM scratch
        ADD rootfs.tar /
        ENV HOME=/home/runner PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8
        USER 1001:1001
        WORKDIR /home/runner
        CMD ["sleep", "infinity"]
        """;

    public static async Task<IFutureDockerImage> BuildAsync(string rootfsTarball, CancellationToken cancellationToken)
    {
        using TempDirectory context = new("nono-image-");
        await File.WriteAllTextAsync(Path.Combine(context.Path, "Dockerfile"), Dockerfile, cancellationToken);
        // A hard link when the cache shares the file system, so the build context costs no copy.
        ProcessResult link = await ProcessRunner.RunAsync("ln", [rootfsTarball, Path.Combine(context.Path, "rootfs.tar")], cancellationToken: cancellationToken);
        if (link.ExitCode != 0)
        {
            File.Copy(rootfsTarball, Path.Combine(context.Path, "rootfs.tar"));
        }

        IFutureDockerImage image = new ImageFromDockerfileBuilder()
            .WithDockerfileDirectory(context.Path)
            .WithDockerfile("Dockerfile")
            .WithName($"nono-test-runner:{Path.GetFileNameWithoutExtension(rootfsTarball)[^16..]}")
            .WithDeleteIfExists(false)
            .WithCleanUp(false)
            .Build();
        await image.CreateAsync(cancellationToken);
        return image;
    }
}
