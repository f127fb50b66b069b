using System.Text.Json;
using Nono.Core.Audit;

namespace Nono.Core.Proxy;

/// <summary>
/// Finds the GraphQL documents of a request to a GraphQL endpoint and the top-level fields of their mutations. The body
/// is JSON: one request object (<c>query</c>, <c>operationName</c>, <c>variables</c>, <c>extensions</c>; nothing else,
/// no duplicate property, <c>query</c> a string) or a batch, an array of them. Each URL query parameter whose name starts
/// with <c>query</c> is read as a document too (Rails merges query-string and body parameters, so a document there may
/// be the one executed). Anything else is an error: the caller refuses what it cannot read (fail secure).
/// </summary>
internal static class GraphQlRequest
{
    private static readonly JsonDocumentOptions s_options = StrictJsonObject.Options; // duplicates refused, no comments, no trailing commas

    /// <summary>The mutation fields of every document of the request, or an error.</summary>
    public static (IReadOnlyList<string> MutationFields, string? Error) MutationFields(ReadOnlyMemory<byte> body, string? urlQuery)
    {
        List<string> documents = [];
        foreach (string pair in (urlQuery ?? string.Empty).Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = pair.IndexOf('=', StringComparison.Ordinal);
            string name = Uri.UnescapeDataString((eq >= 0 ? pair[..eq] : pair).Replace('+', ' '));
            if (name.StartsWith("query", StringComparison.OrdinalIgnoreCase))
            {
                documents.Add(Uri.UnescapeDataString((eq >= 0 ? pair[(eq + 1)..] : string.Empty).Replace('+', ' ')));
            }
        }

        if (!body.IsEmpty && ReadBody(body, documents) is string bodyError)
        {
            return ([], bodyError);
        }

        List<string> fields = [];
        foreach (string document in documents)
        {
            (IReadOnlyList<string> found, string? error) = GraphQlDocument.MutationFields(document);
            if (error is not null)
            {
                return ([], error);
            }

            fields.AddRange(found);
        }

        return (fields, null);
    }

    private static string? ReadBody(ReadOnlyMemory<byte> body, List<string> documents)
    {
        try
        {
            using JsonDocument json = JsonDocument.Parse(body, s_options);
            JsonElement root = json.RootElement;
            if (root.ValueKind == JsonValueKind.Array)
            {
                foreach (JsonElement item in root.EnumerateArray())
                {
                    if (ReadRequestObject(item, documents) is string error)
                    {
                        return error;
                    }
                }

                return null;
            }

            return ReadRequestObject(root, documents);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            // InvalidOperationException: a string with a lone surrogate escape cannot be read as text.
            return "the body is not JSON: " + ex.Message.ReplaceLineEndings(" ");
        }
    }

    private static string? ReadRequestObject(JsonElement request, List<string> documents)
    {
        if (request.ValueKind != JsonValueKind.Object)
        {
            return "a request is not a JSON object";
        }

        if (StrictJsonObject.UnknownProperty(request, "query", "operationName", "variables", "extensions") is string unknown)
        {
            return $"unknown request property '{(unknown.Length > 40 ? unknown[..40] + "..." : unknown)}'";
        }

        if (!request.TryGetProperty("query", out JsonElement query) || query.ValueKind != JsonValueKind.String)
        {
            return "a request has no query string";
        }

        documents.Add(query.GetString() ?? string.Empty);
        return null;
    }
}
