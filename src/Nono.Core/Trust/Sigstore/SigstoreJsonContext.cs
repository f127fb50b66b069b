using System.Text.Json.Serialization;
using Nono.Core.Trust.InToto;

namespace Nono.Core.Trust.Sigstore;

/// <summary>
/// Source-generated JSON for Sigstore bundles, trusted roots and in-toto statements (int64 as strings, per protobuf
/// JSON). Duplicated property names are refused (readers could disagree on which one counts); unknown fields are legal.
/// </summary>
[JsonSourceGenerationOptions(
    AllowDuplicateProperties = false,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.AllowReadingFromString | JsonNumberHandling.WriteAsString)]
[JsonSerializable(typeof(SigstoreBundle))]
[JsonSerializable(typeof(InTotoStatement))]
[JsonSerializable(typeof(TrustedRoot))]
public sealed partial class SigstoreJsonContext : JsonSerializerContext
{
}
