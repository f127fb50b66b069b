using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Nono.Core.Trust.Tuf;

namespace Nono.Testing.Sigstore;

/// <summary>
/// A TUF repository made in the test (ECDSA P-256 keys, consistent snapshots) served on 127.0.0.1:
/// root, timestamp, snapshot and targets metadata signed over canonical JSON, and one target.
/// Files can be replaced or tampered with between fetches.
/// </summary>
public sealed class TestTufRepository : IAsyncDisposable
{
    private readonly HttpListener _listener;
    private readonly Task _loop;
    private readonly Dictionary<string, ECDsa> _keys = [];

    public TestTufRepository(DateTimeOffset now, byte[] target, string targetName = "trusted_root.json")
    {
        Now = now;
        TargetName = targetName;
        foreach (string role in new[] { "root", "timestamp", "snapshot", "targets" })
        {
            _keys[role] = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        }
        _listener = LoopbackHttpListener.Start(out Uri baseAddress);
        BaseAddress = baseAddress;
        _loop = Task.Run(LoopAsync);
        TrustAnchor = PublishRoot(1, [_keys["root"]], [_keys["root"]]);
        Publish(target, 1);
    }

    public Uri BaseAddress { get; }

    public DateTimeOffset Now { get; }

    public string TargetName { get; }

    /// <summary>The v1 root.json to give the client as its anchor.</summary>
    public byte[] TrustAnchor { get; }

    public ConcurrentDictionary<string, byte[]> Files { get; } = new();

    public long RootVersion { get; private set; }

    /// <summary>Publishes targets, snapshot and timestamp at <paramref name="version"/> for <paramref name="target"/>.</summary>
    public void Publish(byte[] target, long version, TimeSpan? timestampLifetime = null, ECDsa? snapshotSigner = null)
    {
        string hash = Convert.ToHexStringLower(SHA256.HashData(target));
        Files[$"targets/{hash}.{TargetName}"] = target;
        byte[] targets = Sign(new JsonObject
        {
            ["_type"] = "targets",
            ["spec_version"] = "1.0.31",
            ["version"] = version,
            ["expires"] = Expiry(TimeSpan.FromDays(30)),
            ["targets"] = new JsonObject { [TargetName] = new JsonObject { ["length"] = target.Length, ["hashes"] = new JsonObject { ["sha256"] = hash } } },
        }, [_keys["targets"]]);
        Files[$"{version}.targets.json"] = targets;
        byte[] snapshot = Sign(new JsonObject
        {
            ["_type"] = "snapshot",
            ["spec_version"] = "1.0.31",
            ["version"] = version,
            ["expires"] = Expiry(TimeSpan.FromDays(7)),
            ["meta"] = new JsonObject { ["targets.json"] = new JsonObject { ["version"] = version, ["length"] = targets.Length, ["hashes"] = new JsonObject { ["sha256"] = Convert.ToHexStringLower(SHA256.HashData(targets)) } } },
        }, [snapshotSigner ?? _keys["snapshot"]]);
        Files[$"{version}.snapshot.json"] = snapshot;
        Files["timestamp.json"] = Sign(new JsonObject
        {
            ["_type"] = "timestamp",
            ["spec_version"] = "1.0.31",
            ["version"] = version,
            ["expires"] = Expiry(timestampLifetime ?? TimeSpan.FromDays(1)),
            ["meta"] = new JsonObject { ["snapshot.json"] = new JsonObject { ["version"] = version, ["length"] = snapshot.Length, ["hashes"] = new JsonObject { ["sha256"] = Convert.ToHexStringLower(SHA256.HashData(snapshot)) } } },
        }, [_keys["timestamp"]]);
    }

    /// <summary>Publishes root v(N+1) with a fresh root key, signed by the old key and/or the new one.</summary>
    public void RotateRoot(bool signWithOld, bool signWithNew)
    {
        ECDsa fresh = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        List<ECDsa> signers = [];
        if (signWithOld)
        {
            signers.Add(_keys["root"]);
        }

        if (signWithNew)
        {
            signers.Add(fresh);
        }

        PublishRoot(RootVersion + 1, [fresh], signers);
        _keys["root"] = fresh;
    }

    private byte[] PublishRoot(long version, ECDsa[] rootKeys, List<ECDsa> signers)
    {
        JsonObject keys = [];
        JsonObject Role(params ECDsa[] roleKeys)
        {
            JsonArray ids = [];
            foreach (ECDsa key in roleKeys)
            {
                keys[KeyId(key)] = KeyJson(key);
                ids.Add(KeyId(key));
            }

            return new JsonObject { ["keyids"] = ids, ["threshold"] = 1 };
        }

        JsonObject roles = new()
        {
            ["root"] = Role(rootKeys),
            ["timestamp"] = Role(_keys["timestamp"]),
            ["snapshot"] = Role(_keys["snapshot"]),
            ["targets"] = Role(_keys["targets"]),
        };
        byte[] root = Sign(new JsonObject
        {
            ["_type"] = "root",
            ["spec_version"] = "1.0.31",
            ["version"] = version,
            ["expires"] = Expiry(TimeSpan.FromDays(365)),
            ["consistent_snapshot"] = true,
            ["keys"] = keys,
            ["roles"] = roles,
        }, signers);
        Files[$"{version}.root.json"] = root;
        RootVersion = version;
        return root;
    }

    private string Expiry(TimeSpan lifetime) => (Now + lifetime).UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);

    private static JsonObject KeyJson(ECDsa key) => new()
    {
        ["keytype"] = "ecdsa",
        ["scheme"] = "ecdsa-sha2-nistp256",
        ["keyval"] = new JsonObject { ["public"] = PemEncoding.WriteString("PUBLIC KEY", key.ExportSubjectPublicKeyInfo()) + "\n" },
    };

    private static string KeyId(ECDsa key) => Convert.ToHexStringLower(SHA256.HashData(Canonical(KeyJson(key))));

    private static byte[] Canonical(JsonNode node)
    {
        using JsonDocument document = JsonDocument.Parse(node.ToJsonString());
        return CanonicalJson.Encode(document.RootElement);
    }

    private static byte[] Sign(JsonObject signed, List<ECDsa> signers)
    {
        byte[] canonical = Canonical(signed);
        JsonArray signatures = [];
        foreach (ECDsa key in signers)
        {
            signatures.Add(new JsonObject { ["keyid"] = KeyId(key), ["sig"] = Convert.ToHexStringLower(key.SignData(canonical, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence)) });
        }

        return Encoding.UTF8.GetBytes(new JsonObject { ["signatures"] = signatures, ["signed"] = signed }.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            string name = context.Request.Url!.AbsolutePath.TrimStart('/');
            if (Files.TryGetValue(name, out byte[]? content))
            {
                context.Response.StatusCode = 200;
                await context.Response.OutputStream.WriteAsync(content);
            }
            else
            {
                context.Response.StatusCode = 404;
            }

            context.Response.Close();
        }
    }

    public async ValueTask DisposeAsync()
    {
        LoopbackHttpListener.Close(_listener);
        try
        {
            await _loop;
        }
        catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException)
        {
        }

        foreach (ECDsa key in _keys.Values)
        {
            key.Dispose();
        }
    }
}
