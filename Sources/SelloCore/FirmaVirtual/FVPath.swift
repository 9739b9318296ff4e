/// The paths Firma Virtual's operations add to the base URL (seed 001), in one place: the request
/// builders take them from here, and `*_client_new` refuses a base_url that already ends with one
/// (`ServiceEnvironments.refuseOperationPath`). Those that take an id (`/api/v1/contract/{id}`) are
/// listed by the part before it.
enum FVPath {
    static let userapp = "/api/v1/userapp"
    static let pwdReset = "/pwd/reset"
    static let contract = "/api/v1/contract"
    static let createContract = "/api/v1/contract/create-contract"
    static let createContractExpress = "/api/v1/contract/create-contract-express"
    static let contractType = "/api/v1/contract-type"
    static let ownerContracts = "/api/v1/contract/owner"
    static let contractDetail = "/api/v1/contract/detail"
    static let sendDraft = "/api/v1/contract/send/draft"
    static let upfile = "/api/v1/upfile"
    static let filelist = "/api/v1/filelist"
    static let sortfiles = "/api/v1/sortfiles"
    static let merge = "/api/v1/contract/merge"
    static let signerNew = "/api/v1/signer/new"
    static let signerUpd = "/api/v1/signer/upd"
    static let signerDel = "/api/v1/signer/del"
    static let logindata = "/logindata"

    static let all = [
        userapp, pwdReset, contract, createContract, createContractExpress, contractType, ownerContracts,
        contractDetail, sendDraft, upfile, filelist, sortfiles, merge, signerNew, signerUpd, signerDel, logindata,
    ]
}
