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

    /// <summary>Writes a binary manifest; <paramref name="reuse"/> is a stored body known to hold exactly its entries.</summary>
    public static void WriteManifest(string path, Manifest manifest, ManifestBody? reuse = null)
    {
        manifest.Version = ManifestFormat.Version;
        WriteAtomic(path, ManifestFormat.Encode(manifest, reuse));
    }

    /// <summary>Reads a binary (version 2) or JSON (version 1) manifest.</summary>
    public static Manifest ReadManifest(string path)
    {
        if (!File.Exists(path))
        {
            throw new NonoException(NonoErrorCode.StateCorrupt, $"snapshot manifest {path} is missing", path);
        }

        try
        {
            byte[] file = File.ReadAllBytes(path);
            if (ManifestFormat.IsBinary(file))
            {
                return ManifestFormat.Decode(file);
            }

            using Decompressor decompressor = new();
            byte[] json = decompressor.Unwrap(file).ToArray();
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
