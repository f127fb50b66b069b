namespace Nono.Core.Tests.Snapshots;

/// <summary>Builds and mutates small random trees: unusual names, empty directories, symlinks, modes.</summary>
internal sealed class RandomTree
{
    private static readonly string[] s_names = ["a", "b c", "new\nline", "ünï", "tab\there", "x.txt", "data.bin", "-dash", ".hidden", "z z z", "日本", "back\\slash"];
    private static readonly UnixFileMode[] s_fileModes = [(UnixFileMode)0b110_100_100, (UnixFileMode)0b110_000_000, (UnixFileMode)0b111_101_101, (UnixFileMode)0b100_100_100, (UnixFileMode)0b111_000_000];
    private static readonly UnixFileMode[] s_dirModes = [(UnixFileMode)0b111_101_101, (UnixFileMode)0b111_000_000, (UnixFileMode)0b111_101_000];
    private readonly Random _rng;
    private readonly string _root;
    private int _counter;

    public RandomTree(string root, int seed)
    {
        _root = root;
        _rng = new Random(seed);
    }

    public void Build(int entries)
    {
        Directory.CreateDirectory(_root);
        for (int i = 0; i < entries; i++)
        {
            Create();
        }
    }

    public void Mutate(int operations)
    {
        for (int i = 0; i < operations; i++)
        {
            List<FileSystemInfo> all = [.. new DirectoryInfo(_root).EnumerateFileSystemInfos("*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })];
            FileSystemInfo? pick = all.Count == 0 ? null : all[_rng.Next(all.Count)];
            bool isLink = pick?.LinkTarget is not null;
            switch (_rng.Next(9))
            {
                case 0 when pick is FileInfo f && !isLink:
                    File.WriteAllBytes(f.FullName, Bytes());
                    break;
                case 1 when pick is FileInfo f && !isLink:
                    f.Delete();
                    break;
                case 2 when pick is DirectoryInfo d && !isLink:
                    d.Delete(recursive: true);
                    break;
                case 3 when pick is not null:
                    string target = Path.Combine(Path.GetDirectoryName(pick.FullName)!, Name());
                    if (!Path.Exists(target))
                    {
                        if (pick is DirectoryInfo && !isLink)
                        {
                            Directory.Move(pick.FullName, target);
                        }
                        else
                        {
                            File.Move(pick.FullName, target);
                        }
                    }

                    break;
                case 4 when pick is FileInfo f && !isLink:
                    File.SetUnixFileMode(f.FullName, s_fileModes[_rng.Next(s_fileModes.Length)]);
                    break;
                case 5 when pick is FileInfo f && !isLink:
                    f.Delete();
                    Directory.CreateDirectory(f.FullName);
                    File.WriteAllBytes(Path.Combine(f.FullName, "inner"), Bytes());
                    break;
                case 6 when pick is DirectoryInfo d && !isLink:
                    d.Delete(recursive: true);
                    File.WriteAllBytes(d.FullName, Bytes());
                    break;
                case 7 when pick is FileInfo f && !isLink:
                    // Same size, different bytes: only ctime and content reveal it.
                    byte[] content = File.ReadAllBytes(f.FullName);
                    if (content.Length > 0)
                    {
                        content[_rng.Next(content.Length)] ^= 0x5A;
                        DateTime mtime = File.GetLastWriteTimeUtc(f.FullName);
                        File.WriteAllBytes(f.FullName, content);
                        File.SetLastWriteTimeUtc(f.FullName, mtime);
                    }

                    break;
                default:
                    Create();
                    break;
            }
        }
    }

    private void Create()
    {
        List<string> dirs = [_root, .. Directory.EnumerateDirectories(_root, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 }).Where(d => new DirectoryInfo(d).LinkTarget is null)];
        string parent = dirs[_rng.Next(dirs.Count)];
        string path = Path.Combine(parent, Name());
        if (Path.Exists(path) || new FileInfo(path).LinkTarget is not null)
        {
            return;
        }

        switch (_rng.Next(6))
        {
            case 0:
                Directory.CreateDirectory(path);
                File.SetUnixFileMode(path, s_dirModes[_rng.Next(s_dirModes.Length)]);
                break;
            case 1:
                File.CreateSymbolicLink(path, _rng.Next(3) switch { 0 => "x.txt", 1 => "/etc/hostname", _ => "../dangling/" + Name() });
                break;
            default:
                File.WriteAllBytes(path, Bytes());
                File.SetUnixFileMode(path, s_fileModes[_rng.Next(s_fileModes.Length)]);
                break;
        }
    }

    private string Name() => s_names[_rng.Next(s_names.Length)] + (_rng.Next(3) == 0 ? "" : (++_counter).ToString(System.Globalization.CultureInfo.InvariantCulture));

    private byte[] Bytes()
    {
        byte[] bytes = new byte[_rng.Next(4) == 0 ? 0 : _rng.Next(1, 5000)];
        if (_rng.Next(2) == 0)
        {
            _rng.NextBytes(bytes);
        }
        else
        {
            for (int i = 0; i < bytes.Length; i++)
            {
                bytes[i] = (byte)"abc def\n"[_rng.Next(8)];
            }
        }

        return bytes;
    }
}
