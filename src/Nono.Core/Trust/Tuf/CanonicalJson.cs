using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Nono.Core.Trust.Tuf;

/// <summary>
/// OLPC canonical JSON, which TUF signs: object keys sorted, no whitespace, only <c>"</c> and <c>\</c>
/// escaped in strings, integers only.
/// </summary>
internal static class CanonicalJson
{
    public static byte[] Encode(JsonElement element)
    {
        StringBuilder builder = new();
        Write(element, builder);
        return Encoding.UTF8.GetBytes(builder.ToString());
    }

    private static void Write(JsonElement element, StringBuilder builder)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                builder.Append('{');
                bool first = true;
                foreach (JsonProperty property in element.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal))
                {
                    builder.Append(first ? "" : ",");
                    first = false;
                    WriteString(property.Name, builder);
                    builder.Append(':');
                    Write(property.Value, builder);
                }

                builder.Append('}');
                break;
            case JsonValueKind.Array:
                builder.Append('[');
                int i = 0;
                foreach (JsonElement item in element.EnumerateArray())
                {
                    builder.Append(i++ == 0 ? "" : ",");
                    Write(item, builder);
                }

                builder.Append(']');
                break;
            case JsonValueKind.String:
                WriteString(element.GetString()!, builder);
                break;
            case JsonValueKind.Number:
                builder.Append(element.TryGetInt64(out long n) ? n.ToString(CultureInfo.InvariantCulture) : throw new FormatException("canonical JSON allows integers only"));
                break;
            case JsonValueKind.True:
                builder.Append("true");
                break;
            case JsonValueKind.False:
                builder.Append("false");
                break;
            default:
                builder.Append("null");
                break;
        }
    }

    private static void WriteString(string value, StringBuilder builder)
    {
        builder.Append('"');
        foreach (char c in value)
        {
            if (c is '"' or '\\')
            {
                builder.Append('\\');
            }

            builder.Append(c);
        }

        builder.Append('"');
    }
}
