using System.Text.Json;
using Nono.Core.Capabilities;
using Nono.Core.Trust;

namespace Nono.Core.Policy;

/// <summary>
/// SHA-256 over a canonical JSON form of everything a policy enforces: sorted grants, denies, network, environment,
/// rollback and workdir. Sources, origins and names are excluded, so the same effective policy has the same digest.
/// </summary>
internal static class PolicyDigest
{
    public static string Compute(ResolvedPolicy policy)
    {
        using MemoryStream stream = new();
        using (Utf8JsonWriter w = new(stream))
        {
            w.WriteStartObject();
            w.WriteNumber("v", 1);
            w.WriteStartArray("grants");
            foreach (FsGrant g in policy.Capabilities.Grants.OrderBy(g => g.Path, StringComparer.Ordinal).ThenBy(g => g.IsFile))
            {
                w.WriteStartArray();
                w.WriteStringValue(g.Path);
                w.WriteNumberValue((int)g.Access);
                w.WriteBooleanValue(g.IsFile);
                w.WriteEndArray();
            }

            w.WriteEndArray();
            Strings(w, "denies", policy.Capabilities.Denies.Select(d => d.Path));
            Strings(w, "deny_patterns", policy.DenyPatterns.Select(d => d.Path));
            w.WriteString("network", policy.Capabilities.Network.ToString());
            w.WriteBoolean("unix_sockets", policy.Capabilities.AllowUnixSockets);
            Strings(w, "allow_domain", policy.Network.AllowDomain);
            Strings(w, "credentials", policy.Network.Credentials);
            Strings(w, "resolve", policy.Network.Resolve);
            w.WriteString("network_profile", policy.Network.NetworkProfile);
            w.WriteStartObject("custom_credentials");
            foreach (KeyValuePair<string, CustomCredential> c in policy.Network.CustomCredentials.OrderBy(c => c.Key, StringComparer.Ordinal))
            {
                Strings(w, c.Key, [c.Value.Upstream ?? "", c.Value.CredentialKey ?? "", c.Value.InjectMode?.ToString() ?? "", c.Value.InjectHeader ?? "", c.Value.CredentialFormat ?? "", c.Value.EnvVar ?? ""], sort: false);
            }

            w.WriteEndObject();
            Strings(w, "allow_vars", policy.Environment.AllowVars);
            w.WriteStartObject("set");
            foreach (KeyValuePair<string, string> s in policy.Environment.Set.OrderBy(s => s.Key, StringComparer.Ordinal))
            {
                w.WriteString(s.Key, s.Value);
            }

            w.WriteEndObject();
            w.WriteBoolean("rollback", policy.Rollback.Enabled ?? false);
            Strings(w, "exclude_patterns", policy.Rollback.ExcludePatterns);
            Strings(w, "exclude_globs", policy.Rollback.ExcludeGlobs);
            Strings(w, "protected_paths", policy.ProtectedPaths);
            w.WriteString("workdir", policy.Workdir);
            w.WriteString("workdir_access", policy.WorkdirAccess.ToString());
            w.WriteEndObject();
        }

        return Convert.ToHexStringLower(ManagedSha256.HashData(stream.ToArray()));
    }

    private static void Strings(Utf8JsonWriter w, string name, IEnumerable<string> values, bool sort = true)
    {
        w.WriteStartArray(name);
        foreach (string v in sort ? values.Order(StringComparer.Ordinal) : values)
        {
            w.WriteStringValue(v);
        }

        w.WriteEndArray();
    }
}
