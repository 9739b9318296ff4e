/// How a caller finds out whether a Firma Virtual write acted after its answer was lost: the read
/// of the library's that shows it (docs/errors.md), said in place of "check with the provider".
enum FVAdvice {
    static let contractCreated =
        "before trying again, fv_list_owner_contracts shows whether the contract was created (match its "
        + "sContractName — give each contract a unique one —, its callback or the time)"
    static let contractDeleted =
        "before trying again, fv_list_owner_contracts shows whether the contract is still there"
    static let documents = "before trying again, fv_list_files shows the contract's documents as they are now"
    static let signers = "before trying again, fv_get_contract_detail shows the contract's signers as they are now"
    static let sent =
        "before trying again, fv_get_contract_detail shows whether the signers were e-mailed (download_draft)"
}
