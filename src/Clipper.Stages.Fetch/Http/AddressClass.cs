namespace Clipper.Stages.Fetch;

/// <summary>What kind of address a host resolved to; everything but <see cref="Public"/> is refused by default.</summary>
public enum AddressClass
{
    Public,
    Loopback,
    Private,
    LinkLocal,
    Metadata,
    Unspecified,
    Multicast,
    /// <summary>Carrier-grade NAT, 100.64.0.0/10.</summary>
    Shared,
    Reserved,
}

public static class AddressClasses
{
    /// <summary>The words a refusal message uses for an address class.</summary>
    public static string Description(this AddressClass kind) => kind switch
    {
        AddressClass.Public => "a public address",
        AddressClass.Loopback => "a loopback address",
        AddressClass.Private => "a private network address",
        AddressClass.LinkLocal => "a link-local address",
        AddressClass.Metadata => "a cloud metadata endpoint",
        AddressClass.Unspecified => "the unspecified address",
        AddressClass.Multicast => "a multicast address",
        AddressClass.Shared => "a carrier-grade NAT (shared, 100.64.0.0/10) address",
        AddressClass.Reserved => "a reserved or documentation address",
        _ => kind.ToString(),
    };
}
