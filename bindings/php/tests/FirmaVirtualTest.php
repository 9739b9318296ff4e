<?php

declare(strict_types=1);

namespace Sello\Tests;

use Sello\Exception\SelloException;
use Sello\Exception\ServiceException;
use Sello\FirmaVirtual;

/**
 * Sello\FirmaVirtual against the sandbox: every fv_ function through the binding, written to the
 * contract of include/sello.h (data = the service's "message" payload unwrapped, the body's own
 * code in meta.service_code, the token kept inside the client). Firma Virtual's rules are tested
 * through the .so in Tests/python/test_fv*.py.
 *
 * @group firma-virtual
 */
final class FirmaVirtualTest extends SandboxTestCase
{
    private const PDF = "%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";
    private const SIGNER = ['full_name' => 'Jose Cortesia', 'email' => 'jose@firmavirtual.com', 'rutId' => '11111111-1',
        'phone' => '873320311', 'type' => 'NATURAL', 'portion' => '100', 'payment' => '0.00'];

    private string $tmp;

    protected function setUp(): void
    {
        parent::setUp();
        $this->tmp = sys_get_temp_dir() . '/sello-php-fv-' . bin2hex(random_bytes(4));
        mkdir($this->tmp);
    }

    protected function tearDown(): void
    {
        exec('rm -rf ' . escapeshellarg($this->tmp));
    }

    private function client(array $overrides = [], ?callable $onProgress = null, ?callable $onLog = null): FirmaVirtual
    {
        return new FirmaVirtual($this->fvConfig($overrides), $onProgress, $onLog, FirmaVirtual::LOG_DEBUG);
    }

    private function newContract(FirmaVirtual $fv, array $overrides = []): string
    {
        $result = $fv->createContract(array_merge(['sOwnerType' => 'NATURAL', 'sPaymentStatus' => 'PENDING',
            'iPaymentService' => 1, 'iContractTypeFeeID' => 28, 'iSignedCount' => 1,
            'callback' => 'https://ejemplo.com/webhook', 'signers' => [self::SIGNER]], $overrides));
        [$contract, $signers] = $result->data;
        self::assertSame('11111111-1', $signers[0]['rutId']);
        return (string) $contract['sContractID'];
    }

    private function pdfFile(): string
    {
        $path = "$this->tmp/documento.pdf";
        file_put_contents($path, self::PDF);
        return $path;
    }

    // -- users ----------------------------------------------------------------------------------

    public function testLoginKeepsTheTokenInside(): void
    {
        $result = $this->client()->login();
        self::assertTrue($result['authorized']);
        self::assertNotEmpty($result['expires_at']);
        self::assertStringNotContainsString('Bearer', json_encode($result->envelope));
        [$received] = $this->sandbox->requests('/logindata');
        self::assertSame('userapp', $received['json']['login']);
    }

    public function testGetUser(): void
    {
        $user = $this->client()->getUser(['IDUser' => 1]);
        self::assertSame(1, $user['iUserID']);
        self::assertSame('userapp', $user['sLogin']);
    }

    public function testCreateAndUpdateAUser(): void
    {
        $fv = $this->client();
        $created = $fv->createUser(['iProfileID' => 0, 'sRUT' => '11111111-1', 'sFirstName' => 'Ana',
            'sLastName' => 'Rojas', 'sEmail' => 'ana.rojas@ejemplo.cl', 'sPhone' => '+56911111111',
            'sLogin' => 'anarojas1', 'sPassword' => 'Secreto.2024', 'sComments' => 'NA', 'sUserType' => 'NATURAL']);
        self::assertSame('anarojas1', $created['sLogin']);
        self::assertStringNotContainsString('Secreto.2024', json_encode($created->envelope));
        $updated = $fv->updateUser(['IDUser' => $created['iUserID'], 'sFirstName' => 'ANITA',
            'sPhone' => '+56922222222']);
        self::assertSame('ANITA', $updated['sFirstName']);
    }

    public function testResetAndNewPassword(): void
    {
        $fv = $this->client();
        $reset = $fv->resetPassword(['login' => 'userapp@firmavirtual.legal']);
        self::assertArrayHasKey('info', $reset->data);
        $code = $this->sandbox->fvResetCode('userapp@firmavirtual.legal');
        $changed = $fv->newPassword(['login' => 'userapp@firmavirtual.legal', 'password' => $code,
            'new_password' => 'OtraClave2']);
        self::assertSame('Password updated', $changed->data);
        self::assertStringNotContainsString('OtraClave2', json_encode($changed->envelope));
    }

    // -- contracts ------------------------------------------------------------------------------

    public function testListContractTypes(): void
    {
        $fv = $this->client();
        self::assertCount(117, $fv->listContractTypes(['QTYPE' => 'ALL', 'QVALUE' => '0'])->data);
        $one = $fv->listContractTypes(['QTYPE' => 'FEE', 'QVALUE' => '28']);
        self::assertSame([28], array_column($one->data, 'iContractTypeFeeID'));
    }

    public function testCreateGetListAndDeleteAContract(): void
    {
        $fv = $this->client();
        $id = $this->newContract($fv);
        self::assertSame($id, $fv->getContract(['IDContract' => $id])['sContractID']);
        $owned = array_column($fv->listOwnerContracts(['IDOwner' => 1])->data, 'sContractID');
        self::assertContains($id, $owned);
        self::assertContains(self::SEEDED_CONTRACT, $owned);
        $detail = $fv->getContractDetail(['ContractID' => $id]);
        self::assertSame($id, $detail['contrato'][0]['sContractID']);
        self::assertSame('11111111-1', $detail['firmantes'][0]['RUT']);
        self::assertSame(204, $fv->deleteContract(['IDContract' => $id])->meta['service_code']);
        $this->expectException(ServiceException::class);
        $fv->getContract(['IDContract' => $id]);
    }

    // -- documents ------------------------------------------------------------------------------

    public function testUploadListSortMergeAndSend(): void
    {
        $progress = [];
        $fv = $this->client([], function (int $done, int $total) use (&$progress): void {
            $progress[] = [$done, $total];
        });
        $id = $this->newContract($fv);
        $fv->uploadDocument(['contractID' => $id, 'file_path' => $this->pdfFile()]);
        $fv->uploadDocument(['contractID' => $id, 'content_base64' => base64_encode(self::PDF)]);
        self::assertNotEmpty($progress);
        [$done, $total] = end($progress);
        self::assertSame($done, $total);
        self::assertGreaterThanOrEqual(strlen(self::PDF), $done);
        $upload = $this->sandbox->requests('/api/v1/upfile')[0];
        $parts = array_values(array_filter($upload['multipart'], static fn (array $p): bool => $p['name'] === 'file'));
        self::assertSame("$id.pdf", $parts[0]['filename']);

        $files = array_column($fv->listFiles(['ContractID' => $id])->data, 'document');
        self::assertCount(2, $files);
        [$first, $second] = $files;
        $sorted = $fv->sortFiles(['contractID' => $id, 'file_order' => [
            ['document' => $second, 'ind' => 0, 'action' => 'CHANGE'],
            ['document' => $first, 'ind' => 1, 'action' => 'CHANGE']]]);
        self::assertSame([$second, $first], array_column($sorted->data, 'document'));
        self::assertSame(207, $sorted->meta['service_code']);

        $fv->mergeFiles(['ContractID' => $id]);
        $sent = $fv->sendContract(['IDContract' => $id]);
        self::assertSame(1, $sent['ok_count']);
        $detail = $fv->getContractDetail(['ContractID' => $id]);
        self::assertSame([['file_name' => "$id.pdf", 'orden' => 0]], $detail['archivos']);
    }

    // -- signers --------------------------------------------------------------------------------

    public function testCreateUpdateAndDeleteASigner(): void
    {
        $fv = $this->client();
        $id = $this->newContract($fv);
        $fv->createSigner(['contractID' => $id, 'full_name' => 'Maria Soto', 'email' => 'maria@ejemplo.cl',
            'rutId' => '22222222-2', 'phone' => '+56933333333']);
        $fv->updateSigner(['contractID' => $id, 'full_name' => 'Maria Soto Diaz', 'email' => 'maria@ejemplo.cl',
            'rutId' => '22222222-2', 'phone' => '+56933333333']);
        $names = array_column($fv->getContractDetail(['ContractID' => $id])['firmantes'], 'full_name');
        self::assertContains('Maria Soto Diaz', $names);
        $fv->deleteSigner(['contractID' => $id, 'rutId' => '22222222-2']);
        $signers = $fv->getContractDetail(['ContractID' => $id])['firmantes'];
        self::assertSame(['11111111-1'], array_column($signers, 'RUT'));
    }

    // -- the client -----------------------------------------------------------------------------
    public function testTheCallByName(): void
    {
        $fv = $this->client();
        self::assertSame(1, $fv->call('get_user', ['IDUser' => 1])['iUserID']);
        $fv->close();
        $this->expectException(SelloException::class);
        $fv->login();
    }
}
