// ShippedData: the data files that ship with netbar (the header map, the signature lists and the legal basis of
// the notice drafts), compiled into the binary, so that a copied binary has them and never runs a rule short of
// its lists. The files in `columns/`, `signatures/` and `reports/` are the source; an analyst extends or replaces
// them at run time (`--columns FILE`, `--signatures DIR`, `--legal-basis FILE`).

/// The shipped data files, as text.
package enum ShippedData {
    /// `columns/column-names.tsv`: the header map (FORMATS.md §3.6).
    package static var columnNames: String { String(decoding: PackageResources.column_names_tsv, as: UTF8.self) }
    /// `signatures/billing-clients.txt`.
    package static var billingClients: String {
        String(decoding: PackageResources.billing_clients_txt, as: UTF8.self)
    }
    /// `signatures/card-free-tools.txt`.
    package static var cardFreeTools: String {
        String(decoding: PackageResources.card_free_tools_txt, as: UTF8.self)
    }
    /// `reports/legal-basis.tsv`: the rule-to-article table of the notice drafts (FORMATS.md §8).
    package static var legalBasis: String { String(decoding: PackageResources.legal_basis_tsv, as: UTF8.self) }
}
