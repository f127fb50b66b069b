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
internal sealed class CheckoutCredentialGuard
{
    private const string BackupFileName = "checkout-credentials.backup";

    private readonly string _workspace;
    private readonly string _backupPath;

    private CheckoutCredentialGuard(string workspace, string backupPath, IReadOnlyList<KeyValuePair<string, string>> hidden)
    {
        _workspace = workspace;
        _backupPath = backupPath;
        Hidden = hidden;
    }

    /// <summary>The config entries that were removed (values are secrets: never print them).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Hidden { get; }

    public static async Task<CheckoutCredentialGuard> HideAsync(string workspace, string backupDirectory, CancellationToken cancellationToken)
    {
        string backupPath = Path.Combine(backupDirectory, BackupFileName);
        await RestorePendingAsync(workspace, backupDirectory, cancellationToken);
        if (!Directory.Exists(Path.Combine(workspace, ".git")))
        {
            return new CheckoutCredentialGuard(workspace, backupPath, []);
        }

        List<KeyValuePair<string, string>> entries = [];
        entries.AddRange(await GetRegexpAsync(workspace, @"^http\..*\.extraheader$", cancellationToken));
        entries.AddRange(await GetRegexpAsync(workspace, @"^includeif\..*\.path$", cancellationToken));
        if (entries.Count > 0)
        {
            Directory.CreateDirectory(backupDirectory);
            await WriteAtomicallyAsync(backupPath, Serialize(entries), cancellationToken);
            foreach (string key in entries.Select(e => e.Key).Distinct(StringComparer.Ordinal))
            {
                await CheckAsync(workspace, ["config", "--local", "--unset-all", key], cancellationToken);
            }
        }

        return new CheckoutCredentialGuard(workspace, backupPath, entries);
    }

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

        List<KeyValuePair<string, string>> entries = Deserialize(await File.ReadAllBytesAsync(backupPath, cancellationToken));
        List<KeyValuePair<string, string>> present = [];
        present.AddRange(await GetRegexpAsync(workspace, @"^http\..*\.extraheader$", cancellationToken));
        present.AddRange(await GetRegexpAsync(workspace, @"^includeif\..*\.path$", cancellationToken));
        await RestoreEntriesAsync(workspace, [.. entries.Where(e => !present.Contains(e))], cancellationToken);
        File.Delete(backupPath);
    }

    private static async Task RestoreEntriesAsync(string workspace, IEnumerable<KeyValuePair<string, string>> entries, CancellationToken cancellationToken)
    {
        foreach ((string key, string value) in entries)
        {
            await CheckAsync(workspace, ["config", "--local", "--add", key, value], cancellationToken);
        }
    }

    private static async Task<List<KeyValuePair<string, string>>> GetRegexpAsync(string workspace, string pattern, CancellationToken cancellationToken)
    {
        (int exit, string output) = await GitCli.RunAsync(workspace, ["config", "--local", "--null", "--get-regexp", pattern], cancellationToken);
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

    private static async Task CheckAsync(string workspace, string[] arguments, CancellationToken cancellationToken)
    {
        (int exit, _) = await GitCli.RunAsync(workspace, arguments, cancellationToken);
        if (exit != 0)
        {
            throw new NonoException(NonoErrorCode.Io, $"git {arguments[0]} {arguments[2]} failed with exit code {exit}", workspace);
        }
    }

    private static byte[] Serialize(IEnumerable<KeyValuePair<string, string>> entries)
    {
        StringBuilder sb = new();
        foreach ((string key, string value) in entries)
        {
            sb.Append(key).Append('\0').Append(value).Append('\0');
        }

        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    private static List<KeyValuePair<string, string>> Deserialize(byte[] data)
    {
        string[] parts = Encoding.UTF8.GetString(data).Split('\0');
        List<KeyValuePair<string, string>> entries = [];
        for (int i = 0; i + 1 < parts.Length; i += 2)
        {
            entries.Add(new(parts[i], parts[i + 1]));
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
