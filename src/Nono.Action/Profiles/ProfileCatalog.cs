using Nono.Core.Diagnostics;
using Nono.Core.Policy;

namespace Nono.Action.Profiles;

/// <summary>
/// Finds profiles for resolution. A value containing '/' or ending in ".json" is a file path (relative to the
/// referring profile's directory, or to the working directory). Otherwise it is a name: the user's
/// <c>$XDG_CONFIG_HOME/nono/profiles/NAME.json</c> first, then the built-ins; <c>builtin:NAME</c> always means
/// the built-in, so a user profile can extend the built-in of the same name.
/// </summary>
internal sealed class ProfileCatalog : IPolicyCatalog
{
    public const string BuiltinPrefix = "builtin:";

    private readonly string _userDirectory;
    private readonly string _workdir;
    private readonly ProfileSource? _project;

    /// <param name="userDirectory">The user profile directory.</param>
    /// <param name="workdir">Base of relative profile paths.</param>
    /// <param name="project">The project profile as read and checked against its trust pin: served instead of re-reading the file.</param>
    public ProfileCatalog(string userDirectory, string workdir, ProfileSource? project = null)
    {
        _userDirectory = userDirectory;
        _workdir = workdir;
        _project = project;
    }

    public IReadOnlyList<string> MandatoryGroups => BuiltinProfiles.MandatoryGroups;

    public string UserDirectory => _userDirectory;

    public PolicyGroup? FindGroup(string name) => BuiltinProfiles.Groups.GetValueOrDefault(name);

    public ProfileSource? FindProfile(string nameOrPath, string? baseDirectory)
    {
        if (IsPath(nameOrPath))
        {
            string path = Path.GetFullPath(nameOrPath, baseDirectory ?? _workdir);
            if (_project is not null && path == _project.Origin)
            {
                return _project;
            }

            // The pin covers the project profile's own bytes only, so it may not pull in other files by path.
            if (_project is not null && baseDirectory == _project.Directory)
            {
                throw new NonoException(NonoErrorCode.InvalidPolicy, $"project profile {_project.Origin} extends the file {path}, which its trust pin does not cover; extend a user or built-in profile by name", path: _project.Origin);
            }

            return File.Exists(path) ? new ProfileSource(NameOfFile(path), path, File.ReadAllText(path)) : null;
        }

        if (nameOrPath.StartsWith(BuiltinPrefix, StringComparison.Ordinal))
        {
            string builtin = nameOrPath[BuiltinPrefix.Length..];
            return IsValidName(builtin) && BuiltinProfiles.TryGetProfile(builtin, out string? text) ? new ProfileSource(builtin, BuiltinPrefix + builtin, text) { Embedded = true } : null;
        }

        if (!IsValidName(nameOrPath))
        {
            return null;
        }

        string user = UserProfilePath(nameOrPath);
        if (File.Exists(user))
        {
            return new ProfileSource(nameOrPath, user, File.ReadAllText(user));
        }

        return BuiltinProfiles.TryGetProfile(nameOrPath, out string? json) ? new ProfileSource(nameOrPath, BuiltinPrefix + nameOrPath, json) { Embedded = true } : null;
    }

    /// <summary>User and built-in profiles by name; a user profile hides the built-in of the same name.</summary>
    public IReadOnlyList<ProfileSource> List()
    {
        SortedDictionary<string, ProfileSource> all = new(StringComparer.Ordinal);
        foreach (KeyValuePair<string, string> builtin in BuiltinProfiles.Profiles)
        {
            all[builtin.Key] = new ProfileSource(builtin.Key, BuiltinPrefix + builtin.Key, builtin.Value) { Embedded = true };
        }

        if (Directory.Exists(_userDirectory))
        {
            foreach (string file in Directory.EnumerateFiles(_userDirectory, "*.json"))
            {
                string name = NameOfFile(file);
                if (IsValidName(name))
                {
                    all[name] = new ProfileSource(name, file, File.ReadAllText(file));
                }
            }
        }

        return all.Values.ToList();
    }

    public string UserProfilePath(string name) => Path.Combine(_userDirectory, name + ".json");

    public static bool IsPath(string value) => value.Contains('/', StringComparison.Ordinal) || value.EndsWith(".json", StringComparison.Ordinal);

    public static bool IsValidName(string name) =>
        name.Length is > 0 and <= 64 && char.IsAsciiLetterOrDigit(name[0])
        && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');

    private static string NameOfFile(string path) => Path.GetFileNameWithoutExtension(path);
}
