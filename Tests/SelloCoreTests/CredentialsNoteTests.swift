import Testing

@testable import SelloCore

/// A refusal of the credentials says where they went: Prodigia's production (the default) and
/// pruebas.pade.mx have separate accounts (PRODIGIA_2026 §1), and "check usuario and password"
/// alone sent a first-time user with a test account looking for a typo (the audit's
/// r3_auth_no_deployment.py). Said once, by `Reply`, for every service.
@Suite struct CredentialsNoteTests {
    @Test func theDefaultEnvironmentIsNamedWithTheOthers() {
        #expect(
            ServiceEnvironments.cfdi.credentialsNote(host: "timbrado.pade.mx", environment: "production")
                == "the credentials went to timbrado.pade.mx (environment production, the default); for an account "
                + "of another deployment: environment \"test\" (pruebas.pade.mx)")
        let fv = ServiceEnvironments.fv.credentialsNote(host: "qa.firmavirtual.legal", environment: "qa")
        #expect(fv.hasPrefix("the credentials went to qa.firmavirtual.legal (environment qa, the default); "))
        #expect(
            fv.hasSuffix(
                "environment \"sandbox\" (test.firmavirtual.legal), environment \"production\" (api.firmavirtual.legal)"
            ))
        // FES's production has no public URL: what the table says of it.
        let fes = ServiceEnvironments.fes.credentialsNote(host: "test2.certificadoradelsur.cl", environment: "test")
        #expect(
            fes.contains("(environment test, the default)") && fes.contains("gives the production URL with the account")
        )
    }

    @Test func anotherEnvironmentOrABaseURLIsNamedAsSuch() {
        #expect(
            ServiceEnvironments.cfdi.credentialsNote(host: "pruebas.pade.mx", environment: "test")
                == "the credentials went to pruebas.pade.mx (environment test); for an account of another "
                + "deployment: environment \"production\" (timbrado.pade.mx)")
        // A base_url at one of the table's hosts is that deployment.
        #expect(
            ServiceEnvironments.cfdi.credentialsNote(host: "timbrado.pade.mx", environment: nil)
                .hasPrefix("the credentials went to timbrado.pade.mx (base_url, the production deployment); "))
        #expect(
            ServiceEnvironments.fv.credentialsNote(host: "127.0.0.1", environment: nil)
                == "the credentials went to 127.0.0.1 (base_url)")
    }

    @Test func onlyARefusalOfTheCredentialsSaysIt() {
        let note = "the credentials went to h (base_url)"
        let refused = SelloError(.auth, .loginFailed, "refused").sayingWhereCredentialsWent(note)
        #expect(refused.message == "refused; the credentials went to h (base_url)")
        for error in [
            SelloError(.auth, .proxyAuthFailed, "the proxy refused its credentials"), // not the service's
            SelloError(.auth, .jwtInvalid, "token refused"), // the login that made it succeeded
            SelloError(.service, .httpStatus(404), "not found"),
        ] {
            #expect(error.sayingWhereCredentialsWent(note).message == error.message)
        }
    }

    /// Through the envelope, as every call and batch item is written.
    @Test func theEnvelopeCarriesIt() {
        let scope = CallScope(service: "cfdi", operation: "get_by_uuid", credentialsNote: "the credentials went to h")
        let reply = Reply(.failure(SelloError(.auth, .httpStatus(401), "refused")), scope: scope, facts: CallFacts())
        #expect(reply.json["error"]?["message"]?.stringValue == "refused; the credentials went to h")
        let item = Reply(
            .failure(SelloError(.auth, .httpStatus(401), "refused")), scope: scope.item("process_file"),
            facts: CallFacts())
        #expect(item.json["error"]?["message"]?.stringValue == "refused; the credentials went to h")
    }
}
