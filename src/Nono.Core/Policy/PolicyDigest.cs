using System.Buffers;
using System.Text.Json;
using Nono.Core.Capabilities;
using Nono.Core.Trust;

namespace Nono.Core.Policy;

/// <summary>
/// SHA-256 over a canonical JSON form of everything a policy enforces: sorted grants, denies, network, environment,
/// rollback and workdir. Sources, origins and names are excluded, so the same effective policy has the same digest.
/// Computed on every run: sorted in place on copied arrays and written to one buffer (no LINQ, no stream copy).
/// </summary>
internal static class PolicyDigest
{
    public static string Compute(ResolvedPolicy policy)
    {
        ArrayBufferWriter<byte> buffer = new(4096);
        using (Utf8JsonWriter w = new(buffer))
        {
            w.WriteStartObject();
            w.WriteNumber("v", 1);
            w.WriteStartArray("grants");
            FsGrant[] grants = [.. policy.Capabilities.Grants];
            // Stable, as OrderBy(Path).ThenBy(IsFile) was: ties keep their original order.
            int[] order = new int[grants.Length];
            for (int i = 0; i < order.Length; i++)
            {
                order[i] = i;
            }

            Array.Sort(order, (x, y) => CompareGrants(grants, x, y));
            foreach (int i in order)
            {
                w.WriteStartArray();
                w.WriteStringValue(grants[i].Path);
                w.WriteNumberValue((int)grants[i].Access);
                w.WriteBooleanValue(grants[i].IsFile);
                w.WriteEndArray();
            }

            w.WriteEndArray();
            Strings(w, "denies", Paths([.. policy.Capabilities.Denies.Where(d => !d.WriteOnly)]));
            if (policy.Capabilities.Denies.Any(d => d.WriteOnly))
            {
                Strings(w, "deny_write", Paths([.. policy.Capabilities.Denies.Where(d => d.WriteOnly)])); // only when set: older digests stay the same
            }

            Strings(w, "deny_patterns", Paths(policy.DenyPatterns));
            w.WriteString("network", policy.Capabilities.Network.ToString());
            w.WriteBoolean("unix_sockets", policy.Capabilities.AllowUnixSockets);
            Strings(w, "allow_domain", [.. policy.Network.AllowDomain]);
            Strings(w, "credentials", [.. policy.Network.Credentials]);
            if (policy.Network.AllowTokenMinting.Count > 0)
            {
                Strings(w, "allow_token_minting", [.. policy.Network.AllowTokenMinting]); // only when set: older digests stay the same
            }

            Strings(w, "resolve", [.. policy.Network.Resolve]);
            w.WriteString("network_profile", policy.Network.NetworkProfile);
            w.WriteStartObject("custom_credentials");
            foreach (KeyValuePair<string, CustomCredential> c in SortedByKey(policy.Network.CustomCredentials))
            {
                Strings(w, c.Key, [c.Value.Upstream ?? "", c.Value.CredentialKey ?? "", c.Value.InjectMode?.ToString() ?? "", c.Value.InjectHeader ?? "", c.Value.CredentialFormat ?? "", c.Value.EnvVar ?? ""], sort: false);
            }

            w.WriteEndObject();
            Strings(w, "allow_vars", [.. policy.Environment.AllowVars]);
            w.WriteStartObject("set");
            foreach (KeyValuePair<string, string> s in SortedByKey(policy.Environment.Set))
            {
                w.WriteString(s.Key, s.Value);
            }

            w.WriteEndObject();
            w.WriteBoolean("rollback", policy.Rollback.Enabled ?? false);
            Strings(w, "exclude_patterns", [.. policy.Rollback.ExcludePatterns]);
            Strings(w, "exclude_globs", [.. policy.Rollback.ExcludeGlobs]);
            Strings(w, "protected_paths", [.. policy.ProtectedPaths]);
            w.WriteString("workdir", policy.Workdir);
            w.WriteString("workdir_access", policy.WorkdirAccess.ToString());
            w.WriteEndObject();
        }

        return Convert.ToHexStringLower(ManagedSha256.HashData(buffer.WrittenSpan));
    }

    private static int CompareGrants(FsGrant[] grants, int x, int y)
    {
        int byPath = string.CompareOrdinal(grants[x].Path, grants[y].Path);
        int byKind = byPath != 0 ? byPath : grants[x].IsFile.CompareTo(grants[y].IsFile);
        return byKind != 0 ? byKind : x.CompareTo(y);
    }

    private static string[] Paths(IReadOnlyList<FsDeny> denies)
    {
        string[] paths = new string[denies.Count];
        for (int i = 0; i < paths.Length; i++)
        {
            paths[i] = denies[i].Path;
        }

        return paths;
    }

    private static KeyValuePair<string, T>[] SortedByKey<T>(IReadOnlyDictionary<string, T> entries)
    {
        // Keys are unique, so an unstable sort gives the same order as OrderBy.
        KeyValuePair<string, T>[] sorted = [.. entries];
        Array.Sort(sorted, (x, y) => string.CompareOrdinal(x.Key, y.Key));
        return sorted;
    }

    /// <summary>Writes <paramref name="values"/> (a copy the caller owns: it is sorted in place) as an array.</summary>
    private static void Strings(Utf8JsonWriter w, string name, string[] values, bool sort = true)
    {
        if (sort)
        {
            Array.Sort(values, StringComparer.Ordinal);
        }

        w.WriteStartArray(name);
        foreach (string v in values)
        {
            w.WriteStringValue(v);
        }

        w.WriteEndArray();
    }
}
