using System.ComponentModel;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Schema;

namespace Nono.Core.Policy;

/// <summary>
/// The JSON Schema of profile files, generated from the source-generated metadata of <see cref="Profile"/>
/// (plus the <see cref="DescriptionAttribute"/> texts), so schema and code cannot drift.
/// </summary>
public static class PolicySchema
{
    /// <summary>The schema as a JSON node.</summary>
    public static JsonNode Export()
    {
        JsonSchemaExporterOptions options = new()
        {
            TreatNullObliviousAsNonNullable = true,
            TransformSchemaNode = Transform,
        };
        JsonNode schema = JsonSchemaExporter.GetJsonSchemaAsNode(PolicyJsonContext.Default.Profile, options);
        if (schema is JsonObject root)
        {
            JsonObject result = new()
            {
                ["$schema"] = "https://json-schema.org/draft/2020-12/schema",
                ["$id"] = "https://nono.dev/schema/profile.json",
                ["title"] = "nono profile",
            };
            foreach (KeyValuePair<string, JsonNode?> entry in root.ToList())
            {
                root.Remove(entry.Key);
                result[entry.Key] = entry.Value;
            }

            return result;
        }

        return schema;
    }

    /// <summary>The schema as indented JSON text.</summary>
    public static string ExportText() => Export().ToJsonString(new JsonSerializerOptions { WriteIndented = true });

    private static JsonNode Transform(JsonSchemaExporterContext context, JsonNode schema)
    {
        if (context.PropertyInfo is { CustomConverter: ExtendsConverter })
        {
            schema = new JsonObject
            {
                ["oneOf"] = new JsonArray(
                    new JsonObject { ["type"] = "string" },
                    new JsonObject { ["type"] = "array", ["items"] = new JsonObject { ["type"] = "string" } }),
            };
        }

        // The validator rejects JSON null everywhere (leave a key out instead), so the schema must not offer it.
        if (schema is JsonObject typed)
        {
            RemoveNull(typed, "type");
            RemoveNull(typed, "enum");
        }

        string? description = (context.PropertyInfo?.AttributeProvider as MemberInfo)?.GetCustomAttribute<DescriptionAttribute>()?.Description;
        if (description is not null && schema is JsonObject obj)
        {
            obj.Insert(0, "description", description);
        }

        return schema;
    }

    private static void RemoveNull(JsonObject schema, string key)
    {
        if (schema[key] is not JsonArray values)
        {
            return;
        }

        List<JsonNode?> kept = values.Where(v => !(v is null || (v is JsonValue s && s.TryGetValue(out string? text) && text == "null" && key == "type"))).Select(v => v?.DeepClone()).ToList();
        schema[key] = key == "type" && kept.Count == 1 ? kept[0] : new JsonArray([.. kept]);
    }
}
