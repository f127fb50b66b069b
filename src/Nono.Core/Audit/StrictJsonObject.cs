using System.Text.Json;

namespace Nono.Core.Audit;

/// <summary>The line wrappers of the audit files are read as strictly as their payloads: no duplicate, no unknown property.</summary>
internal static class StrictJsonObject
{
    public static readonly JsonDocumentOptions Options = new() { AllowDuplicateProperties = false };

    /// <summary>The first property of <paramref name="root"/> not in <paramref name="known"/>, if any.</summary>
    public static string? UnknownProperty(JsonElement root, params ReadOnlySpan<string> known)
    {
        foreach (JsonProperty property in root.EnumerateObject())
        {
            if (!known.Contains(property.Name))
            {
                return property.Name;
            }
        }

        return null;
    }
}
