using System.Text;
using Nono.Core.Diagnostics;

namespace Nono.Action.GitHub;

/// <summary>
/// Takes the token that <c>actions/checkout</c> persisted out of the repository's git config for the
/// duration of the sandboxed step and puts it back afterwards. v4 and older persist an
/// <c>http.&lt;url&gt;.extraheader</c>; v6 and newer an <c>includeIf.*.path</c> pointing at a credentials
/// file under <c>RUNNER_TEMP</c> (that file is also denied by the <c>ci</c> profile). The removed entries
/// are first written atomically to a backup outside the sandbox, so a crash between hide and restore
/// loses nothing: <see cref="RestorePendingAsync"/> puts them back on the next run.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal sealed class CheckoutCredentialGuard
{
    private const string BackupFileName = "checkout-credentials.backup";
    private const string BackupVersion = "nono-checkout-backup-v2";
    private static readonly string[] Patterns = [@"^http\..*\.extraheader$", @"^includeif\..*\.path$"];

    private readonly string _workspace;
    private readonly string _backupPath;

    private CheckoutCredentialGuard(string workspace, string backupPath, IReadOnlyList<HiddenEntry> hidden)
    {
        _workspace = workspace;
        _backupPath = backupPath;
        Hidden = hidden;
    }

    /// <summary>The config entries that were removed (values are secrets: never print them).</summary>
    public IReadOnlyList<HiddenEntry> Hidden { get; }

    public static async Task<CheckoutCredentialGuard> HideAsync(string workspace, string backupDirectory, CancellationToken cancellationToken)
    {
        string backupPath = Path.Combine(backupDirectory, BackupFileName);
        await RestorePendingAsync(workspace, backupDirectory, cancellationToken);
        List<HiddenEntry> entries = [];
        foreach (string file in GitConfigFiles.Find(workspace))
        {
            entries.AddRange(await PersistedAsync(workspace, file, cancellationToken));
        }

        if (entries.Count > 0)
        {
            Directory.CreateDirectory(backupDirectory);
            await WriteAtomicallyAsync(backupPath, Serialize(entries), cancellationToken);
            foreach ((string file, string key) in entries.Select(e => (e.File, e.Key)).Distinct())
            {
                await CheckAsync(workspace, file, ["--unset-all", key], cancellationToken);
            }
        }

        return new CheckoutCredentialGuard(workspace, backupPath, entries);
    }

    /// <summary>One removed config entry: the file it was in (relative to the workspace), its key and value.</summary>
    internal readonly record struct HiddenEntry(string File, string Key, string Value);

    public async Task RestoreAsync(CancellationToken cancellationToken)
    {
        if (Hidden.Count > 0)
        {
            await RestoreEntriesAsync(_workspace, Hidden, cancellationToken);
            File.Delete(_backupPath);
        }
    }

    /// <summary>Puts back entries left hidden by a run that did not finish.</summary>
    public static async Task RestorePendingAsync(string workspace, string backupDirectory, CancellationToken cancellationToken)
    {
        string backupPath = Path.Combine(backupDirectory, BackupFileName);
        if (!File.Exists(backupPath))
        {
            return;
        }

        List<HiddenEntry> entries = Deserialize(await File.ReadAllBytesAsync(backupPath, cancellationToken));
        List<HiddenEntry> missing = [];
        foreach (IGrouping<string, HiddenEntry> file in entries.GroupBy(e => e.File))
        {
            List<HiddenEntry> present = GitConfigFiles.IsSafe(workspace, file.Key) ? await PersistedAsync(workspace, file.Key, cancellationToken) : [];
            missing.AddRange(file.Where(e => !present.Contains(e)));
        }

        await RestoreEntriesAsync(workspace, missing, cancellationToken);
        File.Delete(backupPath);
    }

    /// <summary>
    /// Writes the entries back with <c>git config --file</c> on each file, after checking it is still a regular file under
    /// real directories (the command may have replaced it, <c>.git</c> or <c>.git/modules/x</c> by a link: git would
    /// write the token to the link's target). A file that fails the check is not written; the backup stays for a later run.
    /// </summary>
    private static async Task RestoreEntriesAsync(string workspace, IEnumerable<HiddenEntry> entries, CancellationToken cancellationToken)
    {
        foreach (HiddenEntry entry in entries)
        {
            if (!GitConfigFiles.IsSafe(workspace, entry.File))
            {
                throw new NonoException(
                    NonoErrorCode.Io,
                    $"{entry.File} is no longer a regular file in a real directory (replaced by a link?); not writing the checkout token there",
                    workspace);
            }

            await CheckAsync(workspace, entry.File, ["--add", entry.Key, entry.Value], cancellationToken);
        }
    }

    private static async Task<List<HiddenEntry>> PersistedAsync(string workspace, string file, CancellationToken cancellationToken)
    {
        List<HiddenEntry> entries = [];
        foreach (string pattern in Patterns)
        {
            entries.AddRange((await GetRegexpAsync(workspace, file, pattern, cancellationToken)).Select(e => new HiddenEntry(file, e.Key, e.Value)));
        }

        return entries;
    }

    private static async Task<List<KeyValuePair<string, string>>> GetRegexpAsync(string workspace, string file, string pattern, CancellationToken cancellationToken)
    {
        (int exit, string output) = await GitCli.RunAsync(workspace, ["config", "--file", Path.Combine(workspace, file), "--null", "--get-regexp", pattern], cancellationToken);
        List<KeyValuePair<string, string>> entries = [];
        if (exit != 0)
        {
            return entries; // exit 1: no matching key
        }

        // --null: "key\nvalue\0" per entry.
        foreach (string record in output.Split('\0', StringSplitOptions.RemoveEmptyEntries))
        {
            int newline = record.IndexOf('\n', StringComparison.Ordinal);
            entries.Add(newline < 0 ? new(record, "") : new(record[..newline], record[(newline + 1)..]));
        }

        return entries;
    }

    private static async Task CheckAsync(string workspace, string file, string[] arguments, CancellationToken cancellationToken)
    {
        (int exit, _) = await GitCli.RunAsync(workspace, ["config", "--file", Path.Combine(workspace, file), .. arguments], cancellationToken);
        if (exit != 0)
        {
            throw new NonoException(NonoErrorCode.Io, $"git config {arguments[0]} {arguments[1]} on {file} failed with exit code {exit}", workspace);
        }
    }

    /// <summary>Version 2: file, key, value per entry (version 1, written before submodules were covered, held key, value for .git/config).</summary>
    private static byte[] Serialize(IEnumerable<HiddenEntry> entries)
    {
        StringBuilder sb = new(BackupVersion + "\0");
        foreach ((string file, string key, string value) in entries)
        {
            sb.Append(file).Append('\0').Append(key).Append('\0').Append(value).Append('\0');
        }

        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    private static List<HiddenEntry> Deserialize(byte[] data)
    {
        string[] parts = Encoding.UTF8.GetString(data).Split('\0');
        List<HiddenEntry> entries = [];
        bool v2 = parts.Length > 0 && parts[0] == BackupVersion;
        int width = v2 ? 3 : 2;
        for (int i = v2 ? 1 : 0; i + width <= parts.Length - 1; i += width) // the last part is the empty string after the last NUL
        {
            entries.Add(v2 ? new(parts[i], parts[i + 1], parts[i + 2]) : new(Path.Combine(".git", "config"), parts[i], parts[i + 1]));
        }

        return entries;
    }

    private static async Task WriteAtomicallyAsync(string path, byte[] content, CancellationToken cancellationToken)
    {
        string temp = path + ".tmp-" + Environment.ProcessId;
        await using (FileStream stream = new(temp, new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite }))
        {
            await stream.WriteAsync(content, cancellationToken);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temp, path, overwrite: true);
    }
}
