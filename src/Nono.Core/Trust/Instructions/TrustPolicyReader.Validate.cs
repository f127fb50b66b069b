using System.Security.Cryptography;
using System.Text.Json;
using Nono.Core.Policy;

namespace Nono.Core.Trust.Instructions;

public static partial class TrustPolicyReader
{
    private static readonly string[] s_topLevel = ["version", "include", "exclude", "publishers", "blocklist", "enforcement"];
    private static readonly string[] s_keylessKeys = ["issuer", "repository", "workflow", "ref"];
    private static readonly string[] s_publisherKeys = ["name", "public_key", "issuer", "repository", "workflow", "ref"];

    private static void Validate(JsonElement root, string origin, List<PolicyProblem> problems)
    {
        void Add(string path, string message) => problems.Add(new PolicyProblem(origin, path, message));

        if (root.ValueKind != JsonValueKind.Object)
        {
            Add("$", "the policy must be a JSON object");
            return;
        }

        foreach (JsonProperty property in root.EnumerateObject())
        {
            string path = JsonPathText.Property("$", property.Name);
            JsonElement value = property.Value;
            switch (property.Name)
            {
                case "version":
                    if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out int version) || version != 1)
                    {
                        Add(path, "unsupported version: expected 1");
                    }

                    break;
                case "include" or "exclude":
                    ValidateGlobs(value, path, property.Name == "include", Add);
                    break;
                case "publishers":
                    ValidatePublishers(value, path, Add);
                    break;
                case "blocklist":
                    ForEachString(value, path, Add, (item, itemPath) =>
                    {
                        string hex = item.StartsWith("sha256:", StringComparison.Ordinal) ? item["sha256:".Length..] : "";
                        if (hex.Length != 64 || !hex.All(char.IsAsciiHexDigit))
                        {
                            Add(itemPath, $"invalid digest '{item}': expected sha256:<64 hex>");
                        }
                    });
                    break;
                case "enforcement":
                    if (value.ValueKind != JsonValueKind.String || value.GetString() is not ("deny" or "warn" or "audit"))
                    {
                        Add(path, "enforcement must be one of deny, warn, audit");
                    }

                    break;
                default:
                    Add(path, $"unknown key (expected one of {string.Join(", ", s_topLevel)})");
                    break;
            }
        }
    }

    private static void ValidateGlobs(JsonElement value, string path, bool include, Action<string, string> add)
    {
        if (include && value.ValueKind == JsonValueKind.Array && value.GetArrayLength() == 0)
        {
            add(path, "include must name at least one glob");
        }

        ForEachString(value, path, add, (glob, itemPath) =>
        {
            if (glob.Length == 0 || glob.StartsWith('/') || glob.Split('/').Any(s => s is ".." or "."))
            {
                add(itemPath, $"glob '{glob}' must be relative to the workspace root, without '.' or '..' segments");
            }
        });
    }

    private static void ValidatePublishers(JsonElement value, string path, Action<string, string> add)
    {
        if (value.ValueKind != JsonValueKind.Array)
        {
            add(path, "must be an array");
            return;
        }

        HashSet<string> names = new(StringComparer.Ordinal);
        int index = 0;
        foreach (JsonElement publisher in value.EnumerateArray())
        {
            string at = JsonPathText.Index(path, index++);
            if (publisher.ValueKind != JsonValueKind.Object)
            {
                add(at, "a publisher must be an object");
                continue;
            }

            Dictionary<string, string> fields = new(StringComparer.Ordinal);
            foreach (JsonProperty property in publisher.EnumerateObject())
            {
                string fieldPath = JsonPathText.Property(at, property.Name);
                if (!s_publisherKeys.Contains(property.Name, StringComparer.Ordinal))
                {
                    add(fieldPath, $"unknown key (expected one of {string.Join(", ", s_publisherKeys)})");
                }
                else if (property.Value.ValueKind != JsonValueKind.String || property.Value.GetString() is not { Length: > 0 } text)
                {
                    add(fieldPath, "must be a non-empty string");
                }
                else
                {
                    fields[property.Name] = text;
                }
            }

            if (!fields.TryGetValue("name", out string? name))
            {
                add(JsonPathText.Property(at, "name"), "a publisher needs a name");
            }
            else if (!names.Add(name))
            {
                add(JsonPathText.Property(at, "name"), $"duplicate publisher name '{name}'");
            }

            bool keyed = fields.ContainsKey("public_key");
            bool keyless = fields.ContainsKey("issuer") || fields.ContainsKey("repository") || fields.ContainsKey("workflow") || fields.ContainsKey("ref");
            if (keyed == keyless)
            {
                add(at, "a publisher needs either public_key, or issuer + repository + workflow + ref (not both)");
            }
            else if (keyed)
            {
                ValidatePublicKey(fields["public_key"], JsonPathText.Property(at, "public_key"), add);
            }
            else
            {
                foreach (string required in s_keylessKeys.Where(k => !fields.ContainsKey(k)))
                {
                    add(JsonPathText.Property(at, required), $"a keyless publisher needs '{required}'");
                }

                if (fields.TryGetValue("repository", out string? repository) && repository.Split('/') is not [{ Length: > 0 }, { Length: > 0 }])
                {
                    add(JsonPathText.Property(at, "repository"), $"repository '{repository}' must be owner/name");
                }
            }
        }
    }

    private static void ValidatePublicKey(string pem, string path, Action<string, string> add)
    {
        try
        {
            using ECDsa key = ECDsa.Create();
            key.ImportFromPem(pem);
            if (key.ExportParameters(false).Curve.Oid.Value != ECCurve.NamedCurves.nistP256.Oid.Value)
            {
                add(path, "public key must be ECDSA P-256");
            }
        }
        catch (Exception ex) when (ex is ArgumentException or CryptographicException)
        {
            add(path, "not a PEM ECDSA P-256 public key");
        }
    }

    private static void ForEachString(JsonElement value, string path, Action<string, string> add, Action<string, string> check)
    {
        if (value.ValueKind != JsonValueKind.Array)
        {
            add(path, "must be an array of strings");
            return;
        }

        int index = 0;
        foreach (JsonElement item in value.EnumerateArray())
        {
            string itemPath = JsonPathText.Index(path, index++);
            if (item.ValueKind != JsonValueKind.String)
            {
                add(itemPath, "must be a string");
                continue;
            }

            check(item.GetString()!, itemPath);
        }
    }
}
