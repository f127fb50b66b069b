using System.Text.Json;
using Nono.Core.Diagnostics;
using ZstdSharp;

namespace Nono.Core.Snapshots;

/// <summary>Reads and writes session indexes and manifests; every write is temp file + fsync + rename.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal static class StateFiles
{
    public static void WriteAtomic(string path, ReadOnlySpan<byte> content)
    {
        string temp = path + ".tmp-" + Guid.NewGuid().ToString("N");
        try
        {
            using (FileStream fs = new(temp, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite }))
            {
                fs.Write(content);
                fs.Flush(flushToDisk: true);
            }

            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    public static void WriteSession(string path, SessionInfo session) =>
        WriteAtomic(path, JsonSerializer.SerializeToUtf8Bytes(session, SnapshotJsonContext.Default.SessionInfo));

    public static SessionInfo ReadSession(string path)
    {
        try
        {
            return JsonSerializer.Deserialize(File.ReadAllBytes(path), SnapshotJsonContext.Default.SessionInfo)
                ?? throw new JsonException("null document");
        }
        catch (JsonException ex)
        {
            throw new NonoException(NonoErrorCode.StateCorrupt, $"session index {path} is corrupt: {ex.Message}", path, inner: ex);
        }
    }

    public static void WriteManifest(string path, Manifest manifest)
    {
        foreach (ManifestRoot root in manifest.Roots)
        {
            foreach (ManifestEntry entry in root.Entries)
            {
                entry.Encode();
            }
        }

        byte[] json = JsonSerializer.SerializeToUtf8Bytes(manifest, SnapshotJsonContext.Default.Manifest);
        using Compressor compressor = new(3);
        WriteAtomic(path, compressor.Wrap(json));
    }

    public static Manifest ReadManifest(string path)
    {
        if (!File.Exists(path))
        {
            throw new NonoException(NonoErrorCode.StateCorrupt, $"snapshot manifest {path} is missing", path);
        }

        try
        {
            using Decompressor decompressor = new();
            byte[] json = decompressor.Unwrap(File.ReadAllBytes(path)).ToArray();
            Manifest manifest = JsonSerializer.Deserialize(json, SnapshotJsonContext.Default.Manifest) ?? throw new JsonException("null document");
            foreach (ManifestRoot root in manifest.Roots)
            {
                foreach (ManifestEntry entry in root.Entries)
                {
                    entry.Decode();
                }
            }

            return manifest;
        }
        catch (Exception ex) when (ex is JsonException or ZstdException or FormatException)
        {
            throw new NonoException(NonoErrorCode.StateCorrupt, $"snapshot manifest {path} is corrupt: {ex.Message}", path, inner: ex);
        }
    }
}
