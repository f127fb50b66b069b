using System.Text.Json.Serialization;
using Nono.Core.Trust.InToto;

namespace Nono.Core.Trust.Sigstore;

/// <summary>Source-generated JSON for Sigstore bundles, trusted roots and in-toto statements (int64 as strings, per protobuf JSON).</summary>
[JsonSourceGenerationOptions(
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.AllowReadingFromString | JsonNumberHandling.WriteAsString)]
[JsonSerializable(typeof(SigstoreBundle))]
[JsonSerializable(typeof(InTotoStatement))]
[JsonSerializable(typeof(TrustedRoot))]
public sealed partial class SigstoreJsonContext : JsonSerializerContext
{
}
