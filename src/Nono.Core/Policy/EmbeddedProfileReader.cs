using System.Text;
using System.Text.Json;

namespace Nono.Core.Policy;

/// <summary>
/// Reads the profiles and groups embedded in the executable with a plain <see cref="Utf8JsonReader"/>, straight into
/// the model: setting up the serializer's metadata for the profile model was most of profile resolution's cost on
/// every <c>nono run</c>. It accepts what the serializer accepts for these texts (comments, trailing commas, snake_case
/// names, <c>extends</c> as a string or a list) and refuses anything else, unknown names included, with a
/// <see cref="JsonException"/> naming the place. The tests hold every built-in to the checked parse
/// (<see cref="ProfileParser.ParseProfile"/>).
/// </summary>
internal static partial class EmbeddedProfileReader
{
    private static readonly JsonReaderOptions s_options = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    private delegate T PropertyReader<T>(ref Utf8JsonReader reader, T current, string name, string path);

    public static Profile ReadProfile(string json) => ReadDocument(json, ReadProfile);

    public static Dictionary<string, PolicyGroup> ReadGroups(string json) =>
        ReadDocument(json, static (ref Utf8JsonReader r, string path) => ReadMap(ref r, path, ReadGroup));

    private delegate T ValueReader<T>(ref Utf8JsonReader reader, string path);

    private static T ReadDocument<T>(string json, ValueReader<T> read)
    {
        Utf8JsonReader reader = new(Encoding.UTF8.GetBytes(json), s_options);
        Next(ref reader, JsonPathText.Root);
        if (reader.TokenType == JsonTokenType.Null)
        {
            throw Problem(JsonPathText.Root, "the document is null; expected an object");
        }

        T value = read(ref reader, JsonPathText.Root);
        if (reader.Read())
        {
            throw Problem(JsonPathText.Root, "unexpected text after the document");
        }

        return value;
    }

    private static Profile ReadProfile(ref Utf8JsonReader r, string path) => ReadObject(ref r, path, new Profile(), static (ref Utf8JsonReader r, Profile p, string name, string path) => name switch
    {
        "extends" => p with { Extends = ReadExtends(ref r, path) },
        "meta" => p with { Meta = ReadMeta(ref r, path) },
        "security" => p with { Security = ReadSecurity(ref r, path) },
        "filesystem" => p with { Filesystem = ReadFilesystem(ref r, path) },
        "network" => p with { Network = ReadNetwork(ref r, path) },
        "environment" => p with { Environment = ReadEnvironment(ref r, path) },
        "rollback" => p with { Rollback = ReadRollback(ref r, path) },
        "workdir" => p with { Workdir = ReadWorkdir(ref r, path) },
        _ => throw Unknown(path),
    });

    private static PolicyGroup ReadGroup(ref Utf8JsonReader r, string path) => ReadObject(ref r, path, new PolicyGroup(), static (ref Utf8JsonReader r, PolicyGroup g, string name, string path) => name switch
    {
        "description" => g with { Description = ReadString(ref r, path) },
        "filesystem" => g with { Filesystem = ReadFilesystem(ref r, path) },
        _ => throw Unknown(path),
    });

    private static List<string> ReadExtends(ref Utf8JsonReader r, string path) => r.TokenType switch
    {
        JsonTokenType.String => [r.GetString()!], // '!': a String token always has a value
        JsonTokenType.StartArray => ReadStrings(ref r, path),
        _ => throw Problem(path, "extends must be a string or a list of strings"),
    };

    /// <summary>
    /// Reads an object: <paramref name="read"/> gets each property with the reader on its value. Like the checked
    /// parse (<see cref="StructureValidator"/>), no value may be null.
    /// </summary>
    private static T ReadObject<T>(ref Utf8JsonReader r, string path, T value, PropertyReader<T> read)
    {
        Expect(ref r, JsonTokenType.StartObject, path, "an object");
        while (true)
        {
            Next(ref r, path);
            if (r.TokenType == JsonTokenType.EndObject)
            {
                return value;
            }

            string name = r.GetString()!; // '!': inside an object the reader yields PropertyName tokens
            string propertyPath = JsonPathText.Property(path, name);
            Next(ref r, propertyPath);
            value = read(ref r, value, name, propertyPath);
        }
    }

    private static Dictionary<string, T> ReadMap<T>(ref Utf8JsonReader r, string path, ValueReader<T> read)
    {
        Dictionary<string, T> map = new(StringComparer.Ordinal);
        return ReadObject(ref r, path, map, (ref Utf8JsonReader r, Dictionary<string, T> m, string name, string path) =>
        {
            m[name] = read(ref r, path);
            return m;
        });
    }

    private static List<string> ReadStrings(ref Utf8JsonReader r, string path)
    {
        Expect(ref r, JsonTokenType.StartArray, path, "a list of strings");
        List<string> values = [];
        while (true)
        {
            Next(ref r, path);
            if (r.TokenType == JsonTokenType.EndArray)
            {
                return values;
            }

            values.Add(r.TokenType == JsonTokenType.String ? r.GetString()! : throw Problem(JsonPathText.Index(path, values.Count), "expected a string"));
        }
    }

    private static string ReadString(ref Utf8JsonReader r, string path) =>
        r.TokenType == JsonTokenType.String ? r.GetString()! : throw Problem(path, "expected a string"); // '!': a String token has a value

    private static bool? ReadBool(ref Utf8JsonReader r, string path) => r.TokenType switch
    {
        JsonTokenType.True => true,
        JsonTokenType.False => false,
        _ => throw Problem(path, "expected true or false"),
    };

    private static void Expect(ref Utf8JsonReader r, JsonTokenType type, string path, string what)
    {
        if (r.TokenType != type)
        {
            throw Problem(path, $"expected {what}");
        }
    }

    private static void Next(ref Utf8JsonReader r, string path)
    {
        if (!r.Read())
        {
            throw Problem(path, "unexpected end of the document");
        }
    }

    private static JsonException Unknown(string path) => Problem(path, "unknown property");

    private static JsonException Problem(string path, string message) => new(message, path, lineNumber: null, bytePositionInLine: null);
}
