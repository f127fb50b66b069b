using System.Text.Json;
using System.Text.Json.Serialization;

namespace Nono.Core.Policy;

/// <summary>Reads <c>extends</c> as either a single string or a list of strings; always writes a list.</summary>
internal sealed class ExtendsConverter : JsonConverter<IReadOnlyList<string>>
{
    public override IReadOnlyList<string> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            return [reader.GetString() ?? ""];
        }

        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new JsonException("extends must be a string or a list of strings");
        }

        List<string> names = [];
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.String)
            {
                throw new JsonException("extends entries must be strings");
            }

            names.Add(reader.GetString() ?? "");
        }

        return names;
    }

    public override void Write(Utf8JsonWriter writer, IReadOnlyList<string> value, JsonSerializerOptions options)
    {
        writer.WriteStartArray();
        foreach (string name in value)
        {
            writer.WriteStringValue(name);
        }

        writer.WriteEndArray();
    }
}
