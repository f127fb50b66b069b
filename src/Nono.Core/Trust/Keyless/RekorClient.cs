using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Nono.Core.Diagnostics;
using Nono.Core.Trust.Sigstore;

namespace Nono.Core.Trust.Keyless;

/// <summary>Rekor v1 <c>POST /api/v1/log/entries</c>: logs an entry and turns the answer into a bundle tlog entry.</summary>
internal static class RekorClient
{
    public static async Task<TransparencyLogEntry> UploadAsync(HttpClient http, Uri rekor, JsonObject proposedEntry, CancellationToken cancellationToken)
    {
        using StringContent content = new(proposedEntry.ToJsonString(), Encoding.UTF8, "application/json");
        using HttpRequestMessage message = new(HttpMethod.Post, new Uri(rekor, "api/v1/log/entries")) { Content = content };
        using HttpResponseMessage response = await KeylessHttp.SendAsync(http, message, "Rekor", cancellationToken);
        string body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new NonoException(NonoErrorCode.VerificationFailed, $"Rekor refused the entry: HTTP {(int)response.StatusCode} {FulcioClient.OneLine(body)}");
        }

        try
        {
            JsonObject entries = JsonNode.Parse(body)?.AsObject() ?? throw new FormatException("empty answer");
            JsonNode entry = entries.Single().Value ?? throw new FormatException("empty entry");
            byte[] canonical = Convert.FromBase64String(Str(entry, "body"));
            using JsonDocument parsed = JsonDocument.Parse(canonical);
            JsonNode verification = entry["verification"] ?? throw new FormatException("no verification");
            JsonNode proof = verification["inclusionProof"] ?? throw new FormatException("no inclusionProof");
            return new TransparencyLogEntry
            {
                LogIndex = Long(entry, "logIndex"),
                LogId = new LogId { KeyId = Convert.FromHexString(Str(entry, "logID")) },
                KindVersion = new KindVersion { Kind = parsed.RootElement.GetProperty("kind").GetString(), Version = parsed.RootElement.GetProperty("apiVersion").GetString() },
                IntegratedTime = Long(entry, "integratedTime"),
                InclusionPromise = new InclusionPromise { SignedEntryTimestamp = Convert.FromBase64String(Str(verification, "signedEntryTimestamp")) },
                InclusionProof = new InclusionProof
                {
                    LogIndex = Long(proof, "logIndex"),
                    RootHash = Convert.FromHexString(Str(proof, "rootHash")),
                    TreeSize = Long(proof, "treeSize"),
                    Hashes = [.. (proof["hashes"]?.AsArray() ?? []).Select(h => Convert.FromHexString(h?.GetValue<string>() ?? ""))],
                    Checkpoint = new Checkpoint { Envelope = Str(proof, "checkpoint") },
                },
                CanonicalizedBody = canonical,
            };
        }
        catch (Exception ex) when (ex is FormatException or JsonException or InvalidOperationException or KeyNotFoundException or ArgumentException)
        {
            throw new NonoException(NonoErrorCode.VerificationFailed, $"Rekor answer is malformed: {ex.Message}");
        }
    }

    private static string Str(JsonNode node, string name) => node[name]?.GetValue<string>() ?? throw new FormatException($"no '{name}'");

    private static long Long(JsonNode node, string name) => node[name]?.GetValue<long>() ?? throw new FormatException($"no '{name}'");
}
