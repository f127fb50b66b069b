using System.Globalization;
using System.Text.Json;
using Nono.Core.Diagnostics;
using Nono.Core.Trust.Keys;

namespace Nono.Core.Trust.Tuf;

/// <summary>One parsed TUF metadata file: its signed part (and canonical bytes), version, expiry and signatures.</summary>
internal sealed class TufMetadata
{
    private TufMetadata(string type, long version, DateTimeOffset expires, JsonElement signed, byte[] canonical, List<(string KeyId, byte[] Sig)> signatures)
    {
        Type = type;
        Version = version;
        Expires = expires;
        Signed = signed;
        Canonical = canonical;
        Signatures = signatures;
    }

    public string Type { get; }

    public long Version { get; }

    public DateTimeOffset Expires { get; }

    public JsonElement Signed { get; }

    public byte[] Canonical { get; }

    public List<(string KeyId, byte[] Sig)> Signatures { get; }

    public static TufMetadata Parse(byte[] json, string expectedType)
    {
        try
        {
            JsonElement root;
            using (JsonDocument document = JsonDocument.Parse(json))
            {
                root = document.RootElement.Clone();
            }

            JsonElement signed = root.GetProperty("signed");
            string type = signed.GetProperty("_type").GetString() ?? "";
            if (type != expectedType)
            {
                throw TufClient.Failure($"{expectedType} metadata has type '{type}'");
            }

            List<(string, byte[])> signatures = [];
            foreach (JsonElement signature in root.GetProperty("signatures").EnumerateArray())
            {
                string hex = signature.GetProperty("sig").GetString() ?? "";
                signatures.Add((signature.GetProperty("keyid").GetString() ?? "", hex.Length % 2 == 0 && hex.All(char.IsAsciiHexDigit) ? Convert.FromHexString(hex) : []));
            }

            DateTimeOffset expires = DateTimeOffset.Parse(signed.GetProperty("expires").GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
            return new TufMetadata(type, signed.GetProperty("version").GetInt64(), expires, signed, CanonicalJson.Encode(signed), signatures);
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw TufClient.Failure($"{expectedType} metadata is malformed: {ex.Message.ReplaceLineEndings(" ")}");
        }
    }

    /// <summary>Checks that at least the role's threshold of distinct role keys (defined by <paramref name="root"/>) signed this metadata.</summary>
    public void VerifyRole(TufMetadata root, string role)
    {
        JsonElement roleSpec = root.Signed.GetProperty("roles").GetProperty(role);
        HashSet<string> allowed = [.. roleSpec.GetProperty("keyids").EnumerateArray().Select(k => k.GetString() ?? "")];
        int threshold = roleSpec.GetProperty("threshold").GetInt32();
        if (threshold < 1)
        {
            throw TufClient.Failure($"{role} role threshold must be at least 1");
        }

        HashSet<string> counted = new(StringComparer.Ordinal);
        foreach ((string keyId, byte[] sig) in Signatures)
        {
            if (sig.Length == 0 || !allowed.Contains(keyId) || counted.Contains(keyId)
                || !root.Signed.GetProperty("keys").TryGetProperty(keyId, out JsonElement key))
            {
                continue;
            }

            using VerificationKey? verifier = Key(key);
            if (verifier is not null && verifier.Verify(Canonical, sig))
            {
                counted.Add(keyId);
            }
        }

        if (counted.Count < threshold)
        {
            throw TufClient.Failure($"{Type} v{Version} has {counted.Count} valid {role} signature(s), needs {threshold}");
        }
    }

    private static VerificationKey? Key(JsonElement key)
    {
        string type = key.GetProperty("keytype").GetString() ?? "";
        string value = key.GetProperty("keyval").GetProperty("public").GetString() ?? "";
        return type switch
        {
            "ecdsa" or "ecdsa-sha2-nistp256" => VerificationKey.FromPem(value),
            "ed25519" when value.Length == 64 => VerificationKey.FromDer([.. Convert.FromHexString("302a300506032b6570032100"), .. Convert.FromHexString(value)]),
            _ => null,
        };
    }
}
