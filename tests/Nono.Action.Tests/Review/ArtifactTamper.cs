using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Nono.Action.Tests.Review;

/// <summary>Rewrites one file of an artifact zip, as an attacker with write access to the artifact could.</summary>
internal static class ArtifactTamper
{
    public static byte[] Rewrite(byte[] zip, Func<string, bool> match, Func<byte[], byte[]> change)
    {
        using MemoryStream output = new();
        using (ZipArchive source = new(new MemoryStream(zip), ZipArchiveMode.Read))
        using (ZipArchive target = new(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            int changed = 0;
            foreach (ZipArchiveEntry entry in source.Entries)
            {
                using MemoryStream content = new();
                using (Stream s = entry.Open())
                {
                    s.CopyTo(content);
                }

                byte[] bytes = content.ToArray();
                if (match(entry.FullName))
                {
                    bytes = change(bytes);
                    changed++;
                }

                using Stream t = target.CreateEntry(entry.FullName).Open();
                t.Write(bytes);
            }

            Assert.Equal(1, changed);
        }

        return output.ToArray();
    }

    /// <summary>
    /// The session-10 review's attack (/tmp/review-audit/tamper.py): edit session.json, then rebuild the artifact's
    /// unkeyed ledger so its session digest matches. Needs no key.
    /// </summary>
    public static byte[] ForgeSessionJson(byte[] zip, Action<JsonObject> edit) => ForgeSessionJsonText(zip, text =>
    {
        JsonObject json = JsonNode.Parse(text)!.AsObject();
        edit(json);
        return json.ToJsonString() + "\n";
    });

    /// <summary>As <see cref="ForgeSessionJson"/>, editing session.json's text (for JSON no parser would write).</summary>
    public static byte[] ForgeSessionJsonText(byte[] zip, Func<string, string> edit)
    {
        byte[] session = [];
        byte[] edited = Rewrite(zip, n => n.StartsWith("audit/", StringComparison.Ordinal) && n.EndsWith("/session.json", StringComparison.Ordinal), b =>
        {
            session = Encoding.UTF8.GetBytes(edit(Encoding.UTF8.GetString(b)));
            return session;
        });
        return Rewrite(edited, n => n == "audit/ledger.ndjson", ledger =>
        {
            StringBuilder rebuilt = new();
            byte[] previous = Tagged("nono.audit.v1.ledger-genesis\0", []);
            foreach (string line in Encoding.UTF8.GetString(ledger).Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                JsonObject entry = JsonNode.Parse(line)!["entry"]!.AsObject();
                entry["session_digest"] = Convert.ToHexStringLower(SHA256.HashData(session));
                byte[] entryJson = Encoding.UTF8.GetBytes(entry.ToJsonString());
                byte[] hash = Tagged("nono.audit.v1.ledger\0", [.. previous, .. entryJson]);
                rebuilt.Append($"{{\"prev\":\"{Convert.ToHexStringLower(previous)}\",\"hash\":\"{Convert.ToHexStringLower(hash)}\",\"entry\":{entry.ToJsonString()}}}\n");
                previous = hash;
            }

            return Encoding.UTF8.GetBytes(rebuilt.ToString());
        });
    }

    private static byte[] Tagged(string tag, byte[] data) => SHA256.HashData([0x02, .. Encoding.ASCII.GetBytes(tag), .. data]);
}
