using Nono.Core.Policy;

namespace Nono.Action.Profiles;

/// <summary>
/// The one entry point commands use to get a policy: layer the settings, build the context and catalog, resolve.
/// Throws <see cref="Nono.Core.Diagnostics.NonoException"/> (InvalidPolicy) naming the first problem.
/// </summary>
internal static class PolicyLoader
{
    public static ResolvedPolicy Resolve(IReadOnlyDictionary<string, string> environment, string workdir, CliPolicyArgs cli) =>
        Resolve(environment, workdir, cli, out _);

    /// <summary>Resolves and also returns the layered settings (which layer chose the profile, notes to show).</summary>
    public static ResolvedPolicy Resolve(IReadOnlyDictionary<string, string> environment, string workdir, CliPolicyArgs cli, out PolicySettings settings)
    {
        PolicyContext context = PolicyContextFactory.Create(environment, workdir);
        settings = PolicySettingsLoader.Load(context, cli);
        ProfileCatalog profiles = settings.ProjectProfileText is { } project
            ? new ProfileCatalog(context.UserProfileDirectory, context.Workdir, new ProfileSource(Path.GetFileNameWithoutExtension(settings.Profile), settings.Profile, project))
            : CatalogFor(context);
        if (cli.Extends.Count == 0)
        {
            return new ProfileResolver(profiles).ResolveOrThrow(settings.Profile, context, settings.Overrides);
        }

        ExtendedCatalog catalog = new(profiles, settings.Profile, cli.Extends, context.Workdir);
        return new ProfileResolver(catalog).ResolveOrThrow(ExtendedCatalog.SyntheticName, context, settings.Overrides);
    }

    public static ProfileCatalog CatalogFor(PolicyContext context) => new(context.UserProfileDirectory, context.Workdir);
}
