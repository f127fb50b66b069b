using System.ComponentModel;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using Nono.Core.Policy;

namespace Nono.Core.Tests.Policy;

public sealed class PolicySchemaTests
{
    [Fact]
    public void ExportText_IsValidJsonWithDraftAndRootProperties()
    {
        string text = PolicySchema.ExportText();

        using JsonDocument document = JsonDocument.Parse(text);
        JsonElement root = document.RootElement;
        Assert.Equal("https://json-schema.org/draft/2020-12/schema", root.GetProperty("$schema").GetString());
        JsonElement properties = root.GetProperty("properties");
        foreach (string key in new[] { "extends", "meta", "security", "filesystem", "network", "environment", "rollback", "workdir" })
        {
            Assert.True(properties.TryGetProperty(key, out _), key);
        }
    }

    [Fact]
    public void Export_EveryModelProperty_AppearsWithItsDescription()
    {
        JsonNode schema = PolicySchema.Export();
        List<string> missing = [];

        CheckType(typeof(Profile), schema, "$", missing);

        Assert.Empty(missing);
    }

    [Fact]
    public void Export_Enums_ListAllowedValues()
    {
        JsonNode schema = PolicySchema.Export();

        JsonNode? access = schema["properties"]?["workdir"]?["properties"]?["access"];
        string text = access?.ToJsonString() ?? "";

        foreach (string value in new[] { "\"none\"", "\"read\"", "\"write\"", "\"readwrite\"" })
        {
            Assert.Contains(value, text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Export_Extends_AcceptsStringOrList()
    {
        JsonNode? extends = PolicySchema.Export()["properties"]?["extends"];

        Assert.Equal(2, extends?["oneOf"]?.AsArray().Count);
    }

    [Fact]
    public void Export_NeverOffersNull_BecauseTheValidatorRejectsIt()
    {
        string text = PolicySchema.ExportText();

        Assert.DoesNotContain("\"null\"", text, StringComparison.Ordinal);
        Assert.DoesNotContain("null", PolicySchema.Export()["properties"]?["workdir"]?["properties"]?["access"]?["enum"]?.ToJsonString() ?? "", StringComparison.Ordinal);
    }

    private static void CheckType(Type type, JsonNode? node, string path, List<string> missing)
    {
        JsonNode? properties = node?["properties"];
        foreach (PropertyInfo property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.Name == "EqualityContract")
            {
                continue;
            }

            string name = JsonNamingPolicy.SnakeCaseLower.ConvertName(property.Name);
            JsonNode? child = properties?[name];
            if (child is null)
            {
                missing.Add($"{path}.{name}");
                continue;
            }

            string? expected = property.GetCustomAttribute<DescriptionAttribute>()?.Description;
            if (expected is null || child["description"]?.GetValue<string>() != expected)
            {
                missing.Add($"{path}.{name} (description)");
            }

            Type propertyType = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            if (propertyType.IsClass && propertyType.Namespace == typeof(Profile).Namespace)
            {
                CheckType(propertyType, child, $"{path}.{name}", missing);
            }
            else if (propertyType.IsGenericType && propertyType.GetGenericTypeDefinition() == typeof(IReadOnlyDictionary<,>)
                && propertyType.GetGenericArguments()[1].Namespace == typeof(Profile).Namespace)
            {
                CheckType(propertyType.GetGenericArguments()[1], child["additionalProperties"], $"{path}.{name}.*", missing);
            }
        }
    }
}
