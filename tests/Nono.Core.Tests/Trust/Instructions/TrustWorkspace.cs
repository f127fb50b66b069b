using Nono.Core.Trust.Instructions;
using Nono.Core.Trust.Keys;
using Nono.Testing;

namespace Nono.Core.Tests.Trust.Instructions;

/// <summary>A workspace with instruction files and helpers to sign them.</summary>
internal sealed class TrustWorkspace : IDisposable
{
    private readonly TempDirectory _temp = new();

    public TrustWorkspace()
    {
        Root = _temp.Combine("ws");
        Directory.CreateDirectory(Root);
    }

    public string Root { get; }

    public string Outside => _temp.Path;

    public string Write(string relative, string content)
    {
        string path = Path.Combine(Root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return path;
    }

    public Task SignAsync(string relative, SigningKey key, CancellationToken ct) => InstructionSigner.SignFileAsync(Path.Combine(Root, relative), key, ct);

    public static TrustPolicy PolicyFor(params SigningKey[] keys) => new()
    {
        Publishers = [.. keys.Select((k, i) => new TrustPublisher { Name = $"key{i}", PublicKey = k.PublicKeyPem })],
    };

    public void Dispose() => _temp.Dispose();
}
