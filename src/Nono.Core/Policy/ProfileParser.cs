using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;

namespace Nono.Core.Policy;

/// <summary>
/// Reads profiles and group files. Structure is checked against the source-generated metadata of the model,
/// so the checks cannot drift from the code; every problem is collected, not only the first.
/// </summary>
public static class ProfileParser
{
    private static readonly JsonDocumentOptions s_documentOptions = new()
    {
        CommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    /// <summary>Parses profile JSON; <paramref name="origin"/> names the source in problems.</summary>
    public static ParsedProfile ParseProfile(string json, string origin)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(origin);
        List<PolicyProblem> problems = [];
        JsonTypeInfo<Profile> typeInfo = PolicyJsonContext.Default.Profile;
        JsonNode? node = ParseNode(json, origin, problems);
        if (node is null)
        {
            return new ParsedProfile(new Profile(), problems);
        }

        Profile? profile = null;
        if (StructureValidator.Validate(node, typeInfo, JsonPathText.Root, origin, problems))
        {
            profile = Deserialize(node, typeInfo, origin, problems);
        }

        return new ParsedProfile(profile ?? new Profile(), problems);
    }

    /// <summary>Parses a group file: an object mapping group names to groups.</summary>
    public static IReadOnlyDictionary<string, PolicyGroup> ParseGroups(string json, string origin, List<PolicyProblem> problems)
    {
        ArgumentNullException.ThrowIfNull(problems);
        JsonTypeInfo<Dictionary<string, PolicyGroup>> typeInfo = PolicyJsonContext.Default.DictionaryStringPolicyGroup;
        JsonNode? node = ParseNode(json, origin, problems);
        if (node is null || !StructureValidator.Validate(node, typeInfo, JsonPathText.Root, origin, problems))
        {
            return new Dictionary<string, PolicyGroup>();
        }

        return Deserialize(node, typeInfo, origin, problems) ?? [];
    }

    /// <summary>
    /// Parses a profile embedded in the executable, straight into the model (<see cref="EmbeddedProfileReader"/>): no
    /// document tree, no structure check and no serializer metadata, which together were most of profile resolution's
    /// CPU on every <c>nono run</c> (docs/notes/s5-policy-audit.md). The tests run every embedded profile through
    /// <see cref="ParseProfile"/> and require the same result, so the check still guards them.
    /// </summary>
    public static ParsedProfile ParseEmbeddedProfile(string json, string origin)
    {
        ArgumentNullException.ThrowIfNull(json);
        List<PolicyProblem> problems = [];
        Profile? profile = ReadEmbedded(json, EmbeddedProfileReader.ReadProfile, origin, problems);
        return new ParsedProfile(profile ?? new Profile(), problems);
    }

    /// <summary>The embedded group file, straight into the model (see <see cref="ParseEmbeddedProfile"/>).</summary>
    public static IReadOnlyDictionary<string, PolicyGroup> ParseEmbeddedGroups(string json, string origin, List<PolicyProblem> problems)
    {
        ArgumentNullException.ThrowIfNull(json);
        return ReadEmbedded(json, EmbeddedProfileReader.ReadGroups, origin, problems) ?? [];
    }

    /// <summary>
    /// True for a list entry the structure check rejected (and already reported). Rejected entries stay in the
    /// list as null placeholders so later problems still carry the original index (<c>allow[2]</c>, not <c>allow[1]</c>).
    /// A profile with rejected entries always has problems, so it never resolves to a policy.
    /// </summary>
    internal static bool IsRejected(string? entry) => entry is null;

    /// <summary>Serializes a profile as indented JSON with snake_case keys.</summary>
    public static string ToJson(Profile profile) => JsonSerializer.Serialize(profile, PolicyJsonContext.Default.Profile);

    private static JsonNode? ParseNode(string json, string origin, List<PolicyProblem> problems)
    {
        try
        {
            JsonNode? node = JsonNode.Parse(json, documentOptions: s_documentOptions);
            if (node is null)
            {
                problems.Add(new PolicyProblem(origin, JsonPathText.Root, "the document is null; expected an object"));
            }

            return node;
        }
        catch (JsonException ex)
        {
            string where = ex.LineNumber is long line ? $" at line {line + 1}, column {(ex.BytePositionInLine ?? 0) + 1}" : "";
            problems.Add(new PolicyProblem(origin, ex.Path ?? JsonPathText.Root, $"invalid JSON{where}: {FirstSentence(ex.Message)}"));
            return null;
        }
    }

    private static T? Deserialize<T>(JsonNode node, JsonTypeInfo<T> typeInfo, string origin, List<PolicyProblem> problems)
    {
        try
        {
            return node.Deserialize(typeInfo);
        }
        catch (JsonException ex)
        {
            problems.Add(new PolicyProblem(origin, ex.Path ?? JsonPathText.Root, FirstSentence(ex.Message)));
            return default;
        }
    }

    private static T? ReadEmbedded<T>(string json, Func<string, T> read, string origin, List<PolicyProblem> problems)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(origin);
        ArgumentNullException.ThrowIfNull(problems);
        try
        {
            return read(json);
        }
        catch (JsonException ex)
        {
            problems.Add(new PolicyProblem(origin, ex.Path ?? JsonPathText.Root, FirstSentence(ex.Message)));
            return default;
        }
    }

    private static string FirstSentence(string message)
    {
        int end = message.IndexOf(". ", StringComparison.Ordinal);
        return (end > 0 ? message[..end] : message).ReplaceLineEndings(" ").TrimEnd('.');
    }
}
