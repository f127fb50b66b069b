using System.Buffers;
using System.Text.Json;
using Nono.Core.Audit.Events;

namespace Nono.Core.Audit;

/// <summary>
/// Writes the audit records on <c>nono run</c>'s path (events, session.json, ledger entries) with a plain
/// <see cref="Utf8JsonWriter"/>, byte for byte as <see cref="AuditJsonContext"/> writes them (snake_case, nulls
/// omitted, a derived event's own properties before <c>timestamp</c>). The serializer's first use of the polymorphic
/// event metadata cost about 5-8 % of a run's CPU; reading (<c>audit verify</c>, <c>audit show</c>) keeps the
/// serializer. The tests hold every type to the serializer's bytes.
/// </summary>
internal static partial class AuditJsonWriter
{
    public static byte[] Metadata(SessionMetadata metadata)
    {
        return Write(metadata, static (w, m) =>
        {
            w.WriteNumber("version"u8, m.Version);
            w.WriteString("session_id"u8, m.SessionId);
            Enum(w, "status"u8, m.Status switch
            {
                SessionStatus.Running => "running",
                SessionStatus.Completed => "completed",
                _ => null,
            }, (int)m.Status);
            w.WriteString("started_at"u8, m.StartedAt);
            Optional(w, "ended_at"u8, m.EndedAt);
            Start(w, m.Command, m.PolicyDigest, m.EnforcementTier, m.LandlockAbi, m.Kernel, m.Runner);
            Optional(w, "exit_code"u8, m.ExitCode);
            Optional(w, "signal"u8, m.Signal);
            Optional(w, "duration_ms"u8, m.DurationMs);
            Strings(w, "snapshot_roots"u8, m.SnapshotRoots);
            Optional(w, "violation_count"u8, m.ViolationCount);
            if (m.Integrity is { } integrity)
            {
                w.WriteStartObject("integrity"u8);
                w.WriteString("algorithm"u8, integrity.Algorithm);
                w.WriteNumber("event_count"u8, integrity.EventCount);
                w.WriteString("genesis"u8, integrity.Genesis);
                w.WriteString("chain_head"u8, integrity.ChainHead);
                w.WriteString("merkle_root"u8, integrity.MerkleRoot);
                w.WriteEndObject();
            }
        });
    }

    public static byte[] Ledger(LedgerEntry entry)
    {
        return Write(entry, static (w, e) =>
        {
            w.WriteNumber("seq"u8, e.Seq);
            w.WriteString("session_id"u8, e.SessionId);
            w.WriteString("completed_at"u8, e.CompletedAt);
            w.WriteNumber("event_count"u8, e.EventCount);
            w.WriteString("chain_head"u8, e.ChainHead);
            w.WriteString("merkle_root"u8, e.MerkleRoot);
            w.WriteString("session_digest"u8, e.SessionDigest);
        });
    }

    private static byte[] Write<T>(T value, Action<Utf8JsonWriter, T> properties)
    {
        ArrayBufferWriter<byte> buffer = new(512);
        using (Utf8JsonWriter writer = new(buffer))
        {
            writer.WriteStartObject();
            properties(writer, value);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>What a session records about its start, in session.json and in its first event alike.</summary>
    private static void Start(Utf8JsonWriter w, IReadOnlyList<string>? command, string? policyDigest, string? enforcementTier, int? landlockAbi, string? kernel, RunnerIdentity? runner)
    {
        Strings(w, "command"u8, command);
        Optional(w, "policy_digest"u8, policyDigest);
        Optional(w, "enforcement_tier"u8, enforcementTier);
        Optional(w, "landlock_abi"u8, landlockAbi);
        Optional(w, "kernel"u8, kernel);
        Runner(w, runner);
    }

    private static void Runner(Utf8JsonWriter w, RunnerIdentity? runner)
    {
        if (runner is null)
        {
            return;
        }

        w.WriteStartObject("runner"u8);
        Optional(w, "repository"u8, runner.Repository);
        Optional(w, "workflow"u8, runner.Workflow);
        Optional(w, "run_id"u8, runner.RunId);
        Optional(w, "run_attempt"u8, runner.RunAttempt);
        Optional(w, "commit"u8, runner.Commit);
        Optional(w, "ref"u8, runner.Ref);
        Optional(w, "actor"u8, runner.Actor);
        Optional(w, "job"u8, runner.Job);
        w.WriteEndObject();
    }

    private static void Strings(Utf8JsonWriter w, ReadOnlySpan<byte> name, IReadOnlyList<string>? values)
    {
        if (values is null)
        {
            return;
        }

        w.WriteStartArray(name);
        foreach (string value in values)
        {
            w.WriteStringValue(value);
        }

        w.WriteEndArray();
    }

    /// <summary>An enum as the string converter writes it: its member name, or the number for an undefined value.</summary>
    private static void Enum(Utf8JsonWriter w, ReadOnlySpan<byte> name, string? memberName, int value)
    {
        if (memberName is null)
        {
            w.WriteNumber(name, value);
        }
        else
        {
            w.WriteString(name, memberName);
        }
    }

    private static void Optional(Utf8JsonWriter w, ReadOnlySpan<byte> name, string? value)
    {
        if (value is not null)
        {
            w.WriteString(name, value);
        }
    }

    private static void Optional(Utf8JsonWriter w, ReadOnlySpan<byte> name, long? value)
    {
        if (value is { } number)
        {
            w.WriteNumber(name, number);
        }
    }

    private static void Optional(Utf8JsonWriter w, ReadOnlySpan<byte> name, DateTimeOffset? value)
    {
        if (value is { } time)
        {
            w.WriteString(name, time);
        }
    }
}
