<?php

declare(strict_types=1);

namespace Sello\Tests;

use Sello\Exception\InvalidArgumentException;
use Sello\Exception\SelloException;
use Sello\Fes;
use Sello\FirmaVirtual;
use Sello\Sello;

/**
 * A request or configuration PHP cannot write as JSON (Latin-1 text from a legacy database, INF)
 * is the binding's InvalidArgumentException naming the field, never a raw \JsonException that a
 * `catch (SelloException)` misses; nothing is sent.
 */
final class EncodingTest extends SandboxTestCase
{
    private const LATIN1_VINA = "Vi\xF1a del Mar";      // "Viña del Mar" in ISO-8859-1

    /** @param callable(): mixed $call */
    private static function refused(callable $call): InvalidArgumentException
    {
        try {
            $call();
        } catch (SelloException $e) {
            self::assertInstanceOf(InvalidArgumentException::class, $e, $e->getMessage());
            self::assertNull($e->getPrevious()); // never the JsonException: its trace holds the request
            self::assertFalse($e->isRetryable());
            self::assertSame(0, $e->attempts());
            return $e;
        }
        self::fail('no InvalidArgumentException');
    }

    public function testLatin1TextInARequestNamesTheField(): void
    {
        $fes = new Fes($this->fesConfig());
        $e = self::refused(fn () => $fes->obtainCertificate(['comuna' => self::LATIN1_VINA] + self::FES_REQUEST));
        self::assertSame(['invalid_argument', 'INVALID_JSON', 'comuna'], [$e->kind(), $e->errorCode(), $e->field()]);
        self::assertStringContainsString("'comuna' is not valid UTF-8", $e->getMessage());
        self::assertStringContainsString("mb_convert_encoding(", $e->getMessage());
        self::assertSame(['service' => 'fes', 'operation' => 'obtain_certificate'], array_intersect_key(
            $e->meta(),
            ['service' => 0, 'operation' => 0]
        ));
        self::assertSame([], $this->sandbox->requests());
    }

    public function testAFileNameThatIsNotUtf8IsNotToldToBeConverted(): void
    {
        // Converted, "se\xF1al.xml" names "señal.xml", another file, which does not exist (audit).
        $e = self::refused(fn () => Sello::cfdiInspectCsd(['cert_path' => "/tmp/se\xF1al.cer"]));
        self::assertSame('cert_path', $e->field());
        self::assertStringNotContainsString('mb_convert_encoding', $e->getMessage());
        self::assertStringContainsString('rename the file', $e->getMessage());
    }

    public function testANestedFieldIsNamedAsTheLibraryNamesIt(): void
    {
        $fv = new FirmaVirtual($this->fvConfig());
        $signers = [['email' => 'a@b.cl'], ['email' => 'b@b.cl', 'full_name' => "Pe\xF1a"]];
        $e = self::refused(fn () => $fv->createContract(['sOwnerType' => 'NATURAL', 'signers' => $signers]));
        self::assertSame('signers[1].full_name', $e->field());
        self::assertSame([], $this->sandbox->requests());
    }

    public function testAKeyThatIsNotUtf8IsNamedToo(): void
    {
        $e = self::refused(fn () => Sello::fesCheckRequest(['extra' => ["se\xF1al" => 1]]));
        self::assertStringStartsWith('extra.se', (string) $e->field());
        self::assertStringContainsString('key', $e->errorMessage());
    }

    public function testTheConfigurationIsCheckedTheSameWay(): void
    {
        $e = self::refused(fn () => new Fes($this->fesConfig(['clave' => "contrase\xF1a-larga"])));
        self::assertSame('clave', $e->field());
        // The value of a secret is never repeated in the message.
        self::assertStringNotContainsString('contrase', $e->getMessage());
    }

    public function testAnEmptyArrayWhereAnObjectGoesSaysHowToWriteIt(): void
    {
        // PHP writes [] as a JSON list: 'retries' => [] meant "the defaults".
        $e = self::refused(fn () => new Fes($this->fesConfig(['retries' => []])));
        self::assertSame(['WRONG_TYPE', 'retries'], [$e->errorCode(), $e->field()]);
        self::assertStringContainsString('(object)[]', $e->getMessage());
        self::assertStringContainsString('leave the field out', $e->getMessage());
    }

    public function testTheRefusalDoesNotChainTheJsonExceptionWhoseTraceHoldsTheSecrets(): void
    {
        // json_encode's JsonException carries a trace whose frames hold the whole request (with
        // exception_ignore_args=Off, as in development): chained as "previous", var_dump, print_r
        // or an error reporter would show claveCertificado and the configuration's clave.
        $fes = new Fes($this->fesConfig());
        $e = self::refused(fn () => $fes->obtainCertificate(['direccion' => "Pe\xF1a 1"] + self::FES_REQUEST));
        self::assertNull($e->getPrevious());
        $e = self::refused(fn () => new Fes($this->fesConfig(['usuario' => "u\xF1"])));
        self::assertNull($e->getPrevious());
    }

    public function testAnInfiniteNumberIsNamed(): void
    {
        $e = self::refused(fn () => Sello::fesCheckRequest(['duracion' => INF] + self::FES_REQUEST));
        self::assertSame('duracion', $e->field());
    }
}
