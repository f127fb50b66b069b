using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Schema;
using System.Text.Json.Serialization.Metadata;

namespace Nono.Core.Policy;

/// <summary>
/// Walks a JSON tree against source-generated <see cref="JsonTypeInfo"/> metadata: unknown keys, wrong types,
/// nulls and bad enum values are reported with their JSON path, and removed so the rest can still be checked.
/// </summary>
internal static class StructureValidator
{
    /// <summary>Returns false when <paramref name="node"/> itself is unusable; invalid children are removed in place.</summary>
    public static bool Validate(JsonNode? node, JsonTypeInfo typeInfo, string path, string origin, List<PolicyProblem> problems)
    {
        if (node is null)
        {
            problems.Add(new PolicyProblem(origin, path, $"null is not allowed; expected {Describe(typeInfo)}"));
            return false;
        }

        switch (typeInfo.Kind)
        {
            case JsonTypeInfoKind.Object:
                return ValidateObject(node, typeInfo, path, origin, problems);
            case JsonTypeInfoKind.Enumerable:
                return ValidateArray(node, typeInfo, path, origin, problems);
            case JsonTypeInfoKind.Dictionary:
                return ValidateDictionary(node, typeInfo, path, origin, problems);
            default:
                return ValidateValue(node, typeInfo, path, origin, problems);
        }
    }

    private static bool ValidateObject(JsonNode node, JsonTypeInfo typeInfo, string path, string origin, List<PolicyProblem> problems)
    {
        if (node is not JsonObject obj)
        {
            problems.Add(new PolicyProblem(origin, path, $"expected an object, found {Kind(node)}"));
            return false;
        }

        foreach (KeyValuePair<string, JsonNode?> entry in obj.ToList())
        {
            string childPath = JsonPathText.Property(path, entry.Key);
            JsonPropertyInfo? property = typeInfo.Properties.FirstOrDefault(p => string.Equals(p.Name, entry.Key, StringComparison.Ordinal));
            bool valid;
            if (property is null)
            {
                string known = string.Join(", ", typeInfo.Properties.Select(p => p.Name));
                problems.Add(new PolicyProblem(origin, childPath, $"unknown key '{entry.Key}' (expected one of: {known})"));
                valid = false;
            }
            else if (property.CustomConverter is ExtendsConverter)
            {
                valid = ValidateExtends(entry.Value, childPath, origin, problems);
            }
            else
            {
                valid = Validate(entry.Value, typeInfo.Options.GetTypeInfo(property.PropertyType), childPath, origin, problems);
            }

            if (!valid)
            {
                obj.Remove(entry.Key);
            }
        }

        return true;
    }

    private static bool ValidateArray(JsonNode node, JsonTypeInfo typeInfo, string path, string origin, List<PolicyProblem> problems)
    {
        if (node is not JsonArray array)
        {
            problems.Add(new PolicyProblem(origin, path, $"expected a list, found {Kind(node)}"));
            return false;
        }

        JsonTypeInfo element = typeInfo.Options.GetTypeInfo(typeInfo.ElementType ?? typeof(object));
        List<int> invalid = [];
        for (int i = 0; i < array.Count; i++)
        {
            if (!Validate(array[i], element, JsonPathText.Index(path, i), origin, problems))
            {
                invalid.Add(i);
            }
        }

        // Keep the indices of the valid entries: rejected ones become null placeholders (see ProfileParser.IsRejected).
        foreach (int i in invalid)
        {
            array[i] = null;
        }

        return true;
    }

    private static bool ValidateDictionary(JsonNode node, JsonTypeInfo typeInfo, string path, string origin, List<PolicyProblem> problems)
    {
        if (node is not JsonObject obj)
        {
            problems.Add(new PolicyProblem(origin, path, $"expected an object (a map), found {Kind(node)}"));
            return false;
        }

        JsonTypeInfo element = typeInfo.Options.GetTypeInfo(typeInfo.ElementType ?? typeof(object));
        foreach (KeyValuePair<string, JsonNode?> entry in obj.ToList())
        {
            if (!Validate(entry.Value, element, JsonPathText.Property(path, entry.Key), origin, problems))
            {
                obj.Remove(entry.Key);
            }
        }

        return true;
    }

    private static bool ValidateValue(JsonNode node, JsonTypeInfo typeInfo, string path, string origin, List<PolicyProblem> problems)
    {
        try
        {
            _ = node.Deserialize(typeInfo);
            return true;
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
        {
            problems.Add(new PolicyProblem(origin, path, $"expected {Describe(typeInfo)}, found {Kind(node)} {Shorten(node.ToJsonString())}"));
            return false;
        }
    }

    private static bool ValidateExtends(JsonNode? node, string path, string origin, List<PolicyProblem> problems)
    {
        bool ok = node switch
        {
            JsonValue value => value.GetValueKind() == JsonValueKind.String,
            JsonArray array => array.All(e => e is JsonValue v && v.GetValueKind() == JsonValueKind.String),
            _ => false,
        };
        if (!ok)
        {
            problems.Add(new PolicyProblem(origin, path, "expected a profile name or a list of profile names"));
        }

        return ok;
    }

    private static string Describe(JsonTypeInfo typeInfo)
    {
        Type type = Nullable.GetUnderlyingType(typeInfo.Type) ?? typeInfo.Type;
        if (type == typeof(string))
        {
            return "a string";
        }

        if (type == typeof(bool))
        {
            return "true or false";
        }

        JsonNode schema = JsonSchemaExporter.GetJsonSchemaAsNode(typeInfo);
        if (schema is JsonObject obj && obj["enum"] is JsonArray values)
        {
            return "one of: " + string.Join(", ", values.OfType<JsonNode>().Select(v => v.ToJsonString()));
        }

        return typeInfo.Kind switch
        {
            JsonTypeInfoKind.Enumerable => "a list",
            JsonTypeInfoKind.Object or JsonTypeInfoKind.Dictionary => "an object",
            _ => type.Name,
        };
    }

    private static string Kind(JsonNode node) => node.GetValueKind() switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "a list",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    };

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..37] + "...";
}
