using System.Text.Json;
using Nono.Core.Policy;

namespace Nono.Core.Trust.Instructions;

/// <summary>
/// Reads and validates <c>trust-policy.json</c>. Validation walks the whole document and reports
/// every problem with its JSON path (unknown keys included) before anything is accepted; the
/// accepted document is then bound through the source-generated <see cref="TrustJsonContext"/>.
/// </summary>
public static partial class TrustPolicyReader
{
    /// <summary>Parses a policy from UTF-8 JSON; <paramref name="origin"/> names it in problems.</summary>
    public static TrustPolicyReadResult Parse(ReadOnlySpan<byte> json, string origin)
    {
        ArgumentNullException.ThrowIfNull(origin);
        List<PolicyProblem> problems = [];
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json.ToArray(), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException ex)
        {
            return new TrustPolicyReadResult(null, [new PolicyProblem(origin, "$", $"not valid JSON: {ex.Message.ReplaceLineEndings(" ")}")]);
        }

        using (document)
        {
            Validate(document.RootElement, origin, problems);
            if (problems.Count > 0)
            {
                return new TrustPolicyReadResult(null, problems);
            }

            TrustPolicy policy = document.RootElement.Deserialize(TrustJsonContext.Default.TrustPolicy) ?? new TrustPolicy();

            // The source generator sets every init-only property when it constructs the record, so
            // absent keys arrive as null rather than keeping the initializers: restore the defaults.
            return new TrustPolicyReadResult(policy with
            {
                Include = (IReadOnlyList<string>?)policy.Include ?? TrustPolicy.DefaultInclude,
                Exclude = (IReadOnlyList<string>?)policy.Exclude ?? [],
                Publishers = (IReadOnlyList<TrustPublisher>?)policy.Publishers ?? [],
                Blocklist = (IReadOnlyList<string>?)policy.Blocklist ?? [],
            }, []);
        }
    }

    /// <summary>Reads and parses a policy file.</summary>
    public static async Task<TrustPolicyReadResult> LoadAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            return new TrustPolicyReadResult(null, [new PolicyProblem(path, "", "trust policy not found")]);
        }

        byte[] json = await File.ReadAllBytesAsync(path, cancellationToken);
        return Parse(json, path);
    }

    /// <summary>Serializes a policy (indented JSON, UTF-8).</summary>
    public static byte[] Serialize(TrustPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return JsonSerializer.SerializeToUtf8Bytes(policy, TrustJsonContext.Default.TrustPolicy);
    }
}
