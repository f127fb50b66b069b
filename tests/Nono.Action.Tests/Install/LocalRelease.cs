using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Nono.Testing;

namespace Nono.Action.Tests.Install;

/// <summary>
/// GitHub's release download and "latest release" API played on 127.0.0.1 (the runner's GITHUB_SERVER_URL and
/// GITHUB_API_URL point here). The genuine release is made by release.yml's own "package" and "checksums" steps
/// from the AOT binary; the tampered one swaps the tarball for one whose <c>nono</c> leaves a marker when run,
/// under the genuine SHA256SUMS; the unchecked one has no SHA256SUMS at all.
/// </summary>
internal sealed class LocalRelease : IAsyncDisposable
{
    public const string Repository = "nono/sandbox";
    public const string GenuineTag = "v0.0.0-test";
    public const string TamperedTag = "v0.0.1-tampered";
    public const string UncheckedTag = "v0.0.2-nosums";
    public const string TamperedMarker = "/tmp/nono-tampered-ran";

    private readonly TempDirectory _root = new("nono-release-");
    private readonly HttpListener _listener;
    private readonly Task _serving;

    private LocalRelease(HttpListener listener, Uri baseAddress)
    {
        _listener = listener;
        BaseAddress = baseAddress;
        _serving = ServeAsync();
    }

    public Uri BaseAddress { get; }

    public string ServerUrl => BaseAddress.ToString().TrimEnd('/');

    public string ApiUrl => ServerUrl + "/api";

    public static string AssetName => $"nono-{AotBinary.Rid}.tar.gz";

    /// <summary>Every request path, in order.</summary>
    public ConcurrentQueue<string> Requests { get; } = new();

    public string TagDirectory(string tag) => Path.Combine(_root.Path, tag);

    public static async Task<LocalRelease> CreateAsync(string aotBinary, CancellationToken cancellationToken)
    {
        HttpListener listener = LoopbackHttpListener.Start(out Uri baseAddress);
        LocalRelease release = new(listener, baseAddress);
        await release.MakeReleasesAsync(aotBinary, cancellationToken);
        return release;
    }

    private async Task MakeReleasesAsync(string aotBinary, CancellationToken cancellationToken)
    {
        // The workflow's build job publishes to out/RID, packages into dist/, and the release job sums dist/.
        string workspace = Path.Combine(_root.Path, "workspace");
        string publishDir = Path.Combine(workspace, "out", AotBinary.Rid);
        Directory.CreateDirectory(publishDir);
        File.Copy(aotBinary, Path.Combine(publishDir, "nono"));
        ReleaseWorkflow workflow = ReleaseWorkflow.Load();
        Dictionary<string, string> matrix = new() { ["rid"] = AotBinary.Rid };
        await workflow.RunStepAsync("build", "package", workspace, matrix, cancellationToken);
        await workflow.RunStepAsync("release", "checksums", workspace, matrix, cancellationToken);

        string genuine = TagDirectory(GenuineTag);
        Directory.Move(Path.Combine(workspace, "dist"), genuine);

        string tampered = TagDirectory(TamperedTag);
        Directory.CreateDirectory(tampered);
        File.Copy(Path.Combine(genuine, "SHA256SUMS"), Path.Combine(tampered, "SHA256SUMS"));
        string payload = Path.Combine(_root.Path, "payload");
        Directory.CreateDirectory(payload);
        await File.WriteAllTextAsync(Path.Combine(payload, "nono"), $"#!/bin/sh\ntouch {TamperedMarker}\necho 'nono 0.0.1'\n", cancellationToken);
        File.SetUnixFileMode(Path.Combine(payload, "nono"), (UnixFileMode)0b111_101_101);
        ProcessResult tar = await ProcessRunner.RunAsync("tar", ["-C", payload, "-czf", Path.Combine(tampered, AssetName), "nono"], cancellationToken: cancellationToken);
        Assert.Equal(0, tar.ExitCode);

        string nosums = TagDirectory(UncheckedTag);
        Directory.CreateDirectory(nosums);
        File.Copy(Path.Combine(genuine, AssetName), Path.Combine(nosums, AssetName));
    }

    private async Task ServeAsync()
    {
        string latestPath = $"/api/repos/{Repository}/releases/latest";
        string downloadPrefix = $"/{Repository}/releases/download/";
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            string path = context.Request.Url!.AbsolutePath;
            Requests.Enqueue(path);
            byte[]? body = null;
            if (path == latestPath)
            {
                body = Encoding.UTF8.GetBytes($"{{\n  \"id\": 1,\n  \"tag_name\": \"{GenuineTag}\",\n  \"draft\": false\n}}\n");
            }
            else if (path.StartsWith(downloadPrefix, StringComparison.Ordinal)
                && path[downloadPrefix.Length..].Split('/') is [string tag, string asset]
                && File.Exists(Path.Combine(TagDirectory(tag), asset))
                && !tag.Contains("..", StringComparison.Ordinal) && !asset.Contains("..", StringComparison.Ordinal))
            {
                body = await File.ReadAllBytesAsync(Path.Combine(TagDirectory(tag), asset));
            }

            context.Response.StatusCode = body is null ? 404 : 200;
            if (body is not null)
            {
                await context.Response.OutputStream.WriteAsync(body);
            }

            context.Response.Close();
        }
    }

    public async ValueTask DisposeAsync()
    {
        LoopbackHttpListener.Close(_listener);
        await _serving;
        _root.Dispose();
    }
}
